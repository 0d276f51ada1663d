"""The ``rotation`` command group."""

from __future__ import annotations

import click

from rotation import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rotation")
def main() -> None:
    """Plan secondment rotations for the partnership team, month by month.

    Start with `rotation template`, fill the workbook in, check it with `rotation validate`,
    then `rotation solve` it.

    Exit codes: 0 success; 1 `check` found rule breaches; 2 invalid input (nothing written);
    3 no plan can satisfy the hard rules; 4 no plan found within the time limit;
    130 interrupted.
    """
