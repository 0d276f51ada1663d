"""Commands about input workbooks: template, validate, generate."""

from __future__ import annotations

from pathlib import Path

import click

from rotation.cli.app import main
from rotation.cli.common import (
    EXIT_INVALID,
    emit_json,
    fail,
    json_option,
    load_problem,
    print_findings,
    say,
)
from rotation.io.files import OutputError, check_output_path


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
def template(path: Path, force: bool) -> None:
    """Write an empty input workbook to PATH, with instructions and drop-down lists."""
    from rotation.io.template import write_template

    try:
        check_output_path(path, force=force)
        write_template(path)
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))
    say(f"Wrote the input template to {path}")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@json_option
def validate(input_path: Path, as_json: bool) -> None:
    """Check an input workbook (or CSV folder) and list every error and warning."""
    from rotation.report import findings_document

    _problem, findings = load_problem(input_path, as_json=as_json)
    print_findings(findings)
    say(f"{input_path} is valid.")
    if as_json:
        emit_json(findings_document(input_path, findings))


@main.command()
@click.argument("output", type=click.Path(path_type=Path))
@click.option("--posts", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--candidates", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--months", type=click.IntRange(1, 120), default=36, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--tight", is_flag=True,
              help="Scarce agency capacity and budgets, long minimum lengths.")
@click.option("--regions", type=click.IntRange(min=0), default=0, show_default=True,
              help="Split posts and candidates into this many regions; candidates are "
                   "eligible only in their own region (0 = one region).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it already exists.")
def generate(output: Path, posts: int, candidates: int, months: int, seed: int, tight: bool,
             regions: int, force: bool) -> None:
    """Write a synthetic input workbook of a given size (for trials and benchmarks)."""
    from rotation.generate import generate_problem
    from rotation.io.writer import write_problem

    problem = generate_problem(posts=posts, candidates=candidates, months=months, seed=seed,
                               tight=tight, regions=regions)
    try:
        check_output_path(output, force=force)
        write_problem(output, problem)
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))
    say(f"Wrote {output}: {posts} posts, {candidates} candidates, {months} months.")
