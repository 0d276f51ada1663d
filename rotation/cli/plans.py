"""Commands about plan workbooks: diff, plot, split."""

from __future__ import annotations

from pathlib import Path

import click

from rotation.cli.app import main
from rotation.cli.common import EXIT_INVALID, emit_json, fail, json_option, print_findings, say
from rotation.findings import InvalidInput
from rotation.io.files import OutputError, check_output_path


@main.command()
@click.argument("old_path", metavar="OLD", type=click.Path(path_type=Path))
@click.argument("new_path", metavar="NEW", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Also write the changes to this workbook (Summary and Changes sheets).")
@click.option("--all", "show_all", is_flag=True, help="List kept secondments too.")
@json_option
@click.option("--force", is_flag=True, help="Replace the output if it already exists.")
def diff(old_path: Path, new_path: Path, output: Path | None, show_all: bool,
         force: bool, as_json: bool) -> None:
    """Compare two plan workbooks: every secondment kept, moved, added or dropped."""
    from rotation.changes import changes_table, compare_plans, summarise, summary_sentence
    from rotation.io.changes_writer import plan_person_names, write_diff_workbook
    from rotation.io.plan_reader import read_plan
    from rotation.report import diff_document

    if output is not None:
        try:
            check_output_path(output, force=force, inputs=(old_path, new_path))
        except OutputError as exc:
            fail(EXIT_INVALID, str(exc))
    plans = {}
    unreadable = []
    for path in (old_path, new_path):
        try:
            plans[path] = read_plan(path)
        except InvalidInput as exc:
            print_findings(exc.findings)
            unreadable.append(path)
    if unreadable:
        nothing = " Nothing was written." if output is not None else ""
        fail(EXIT_INVALID, " ".join(f"{p} cannot be read as a plan." for p in unreadable)
              + nothing)

    changes = compare_plans(plans[old_path], plans[new_path])
    # Names label the table; the new plan's spelling wins where the two differ.
    people = {**plan_person_names(old_path), **plan_person_names(new_path)}
    counts = summarise(changes)
    echo = say if as_json else click.echo
    echo(f"Changes from {old_path} to {new_path}:")
    lines = changes_table(changes, people, show_kept=show_all)
    if lines:
        echo("")
        for line in lines:
            echo(line)
        echo("")
    tail = "" if show_all or not counts["kept"] else " (kept ones not listed: --all lists them)"
    echo(f"{summary_sentence(counts)}{tail}.")
    if output is not None:
        try:
            write_diff_workbook(output, changes, str(old_path), str(new_path), people=people)
        except OutputError as exc:
            fail(EXIT_INVALID, str(exc))
        say(f"Wrote {output}")
    if as_json:
        emit_json(diff_document(old_path, new_path, changes, people))


@main.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Picture to write (default: PLAN with .png instead of .xlsx).")
@click.option("--today", "today_text", metavar="YYYY-MM",
              help="Month to mark as today (default: the current month).")
@click.option("--force", is_flag=True, help="Replace the picture if it already exists.")
def plot(plan_path: Path, output: Path | None, today_text: str | None, force: bool) -> None:
    """Draw a plan workbook as a timeline picture (PNG): posts down, months across."""
    import datetime as dt

    from rotation.months import month, parse_month
    from rotation.picture.draw import draw_timeline
    from rotation.picture.timeline import Timeline

    target = output or plan_path.with_suffix(".png")
    if target.suffix.casefold() != ".png":
        fail(EXIT_INVALID, f"{target} does not end in .png: the picture is a PNG file.")
    try:
        today = parse_month(today_text) if today_text else month(dt.date.today().year,
                                                                 dt.date.today().month)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--today") from None
    try:
        check_output_path(target, force=force, inputs=(plan_path,))
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))
    try:
        timeline = Timeline.from_workbook(plan_path)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan workbook written by "
                            "rotation solve: nothing was written.")
    try:
        draw_timeline(timeline, target, today=today)
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))
    say(f"Wrote {target}: {len(timeline.posts)} posts, {len(timeline.bars)} secondments, "
         f"{len(timeline.horizon)} months.")


@main.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace agency workbooks already in DIR.")
def split(plan_path: Path, folder: Path, force: bool) -> None:
    """Write one workbook per agency into DIR, each holding only that agency's staff.

    Other agencies' secondees appear only as "another agency", without ids or names, so each
    file can be sent to its agency as it is.
    """
    from rotation.io.agency_split import split_plan_workbook

    try:
        written = split_plan_workbook(plan_path, folder, force=force)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan written by rotation solve. "
                            "Nothing was written.")
    except OutputError as exc:
        fail(EXIT_INVALID, f"{exc}. Nothing was written.")
    for path in written:
        say(f"Wrote {path}")
    say(f"{len(written)} agency workbook(s) in {folder}.")
