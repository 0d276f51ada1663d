"""The timeline picture: what it shows, that a plan workbook alone redraws it, and `rotation plot`.

The plan used throughout (``plan_problem``/``PLAN``), over 2027-04..2028-03 with a one-month
handover overlap:
- P1 (North): Ann (HC) 2027-04..2027-09, then Bob (NHS) 2027-09..2028-03 - Bob takes over
  from Ann, both in post in 2027-09.
- P2 (South, exists until 2027-12): Cat (HC), agreed on the Existing sheet 2026-10..2027-06,
  then vacant 2027-07..2027-12; the post does not exist 2028-01..2028-03.
- P3 (Central): funded, no secondee, all twelve months.
"""

from __future__ import annotations

import itertools
import struct
import warnings
from pathlib import Path

import numpy
import pytest
from click.testing import CliRunner
from matplotlib.text import Text
from openpyxl import load_workbook
from PIL import Image

from rotation.checker import check_plan
from rotation.cli import main
from rotation.domain import Problem, Secondment
from rotation.findings import InvalidInput
from rotation.io.plan_writer import write_plan
from rotation.io.writer import write_problem
from rotation.picture.draw import draw_timeline, timeline_figure
from rotation.picture.fitting import fit_text, initials, tick_labels, tick_months
from rotation.picture.timeline import Bar, Span, Timeline, bar_pieces, runs
from rotation.plan import SolveResult
from tests.factory import agency, candidate, grade, m, post, problem, secondment

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def plan_problem(**overrides: object) -> Problem:
    """The problem of the module docstring."""
    values: dict[str, object] = {
        "plan_name": "Test partnership",
        "max_secondment_months": 12,
        "agencies": [agency("HC", name="Highland Council"), agency("NHS", name="NHS Highland")],
        "grades": [grade("HC", "HC8"), grade("NHS", "Band 6")],
        "posts": [post("P1", area="North"), post("P2", area="South", end="2027-12"),
                  post("P3", area="Central", funding="funded")],
        "candidates": [candidate("A", name="Ann"),
                       candidate("B", name="Bob", agency="NHS", grade="Band 6"),
                       candidate("C", name="Cat")],
        "existing": [secondment("C", "P2", "2026-10", "2027-06")],
    }
    values.update(overrides)
    return problem(**values)  # type: ignore[arg-type]


PLAN = (
    secondment("A", "P1", "2027-04", "2027-09"),
    secondment("B", "P1", "2027-09", "2028-03"),
    secondment("C", "P2", "2026-10", "2027-06", existing=True),
)


def write_plan_workbook(path: Path, problem_: Problem, plan: tuple[Secondment, ...]) -> Path:
    """The plan workbook ``rotation solve`` would write for this plan."""
    report = check_plan(problem_, plan)
    write_plan(path, problem_, SolveResult(status="FEASIBLE", secondments=plan), report, [],
               "ab" * 32)
    return path


@pytest.fixture(scope="module")
def plan_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan of the module docstring as a plan workbook."""
    folder = tmp_path_factory.mktemp("plans")
    return write_plan_workbook(folder / "plan.xlsx", plan_problem(), PLAN)


def run(*args: object) -> tuple[int, str]:
    """Run ``rotation ARGS``; return the exit code and everything printed."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


# -- the data behind the picture -------------------------------------------------------------
def test_from_plan_gives_one_bar_per_secondment_with_name_agency_and_handover() -> None:
    timeline = Timeline.from_plan(plan_problem(), PLAN)
    assert timeline.plan_name == "Test partnership"
    assert (timeline.horizon_start, timeline.horizon_end) == (m("2027-04"), m("2028-03"))
    assert [(p.post, p.area) for p in timeline.posts] == [
        ("P1", "North"), ("P2", "South"), ("P3", "Central")]
    assert timeline.agencies == (("HC", "Highland Council"), ("NHS", "NHS Highland"))
    assert timeline.bars == (
        Bar("P1", "A", "Ann", "HC", m("2027-04"), m("2027-09")),
        Bar("P1", "B", "Bob", "NHS", m("2027-09"), m("2028-03"), follows="A"),
        Bar("P2", "C", "Cat", "HC", m("2026-10"), m("2027-06"), existing=True),
    )


def test_from_plan_finds_vacant_funded_and_closed_months() -> None:
    timeline = Timeline.from_plan(plan_problem(), PLAN)
    assert timeline.vacancies == (Span("P2", m("2027-07"), m("2027-12")),)
    assert timeline.funded == (Span("P3", m("2027-04"), m("2028-03")),)
    assert timeline.closed == (Span("P2", m("2028-01"), m("2028-03")),)


def test_an_agreed_secondment_is_marked_even_when_the_plan_does_not_say_so() -> None:
    plan = (*PLAN[:2], PLAN[2].model_copy(update={"existing": False}))
    assert Timeline.from_plan(plan_problem(), plan).bars[2].existing


def test_a_handover_overlap_splits_both_bars_outgoing_above_incoming() -> None:
    pieces = bar_pieces(Timeline.from_plan(plan_problem(), PLAN), "P1")
    assert [(p.bar.person, p.first, p.last, p.slot, p.slots, p.shared) for p in pieces] == [
        ("A", m("2027-04"), m("2027-08"), 0, 1, None),
        ("A", m("2027-09"), m("2027-09"), 0, 2, "handover"),
        ("B", m("2027-09"), m("2027-09"), 1, 2, "handover"),
        ("B", m("2027-10"), m("2028-03"), 0, 1, None),
    ]


def test_bars_are_clipped_to_the_horizon() -> None:
    pieces = bar_pieces(Timeline.from_plan(plan_problem(), PLAN), "P2")
    assert [(p.first, p.last) for p in pieces] == [(m("2027-04"), m("2027-06"))]


def test_two_holders_who_are_not_handing_over_are_a_clash() -> None:
    plan = (secondment("A", "P1", "2027-04", "2027-09"), secondment("C", "P1", "2027-04",
                                                                    "2027-06"))
    pieces = bar_pieces(Timeline.from_plan(plan_problem(), plan), "P1")
    assert {p.shared for p in pieces if p.slots == 2} == {"clash"}
    assert [p.months for p in pieces if p.bar.person == "A"] == [3, 3]


def test_runs_gather_consecutive_months() -> None:
    months = [m("2027-06"), m("2027-04"), m("2027-05"), m("2027-09")]
    assert runs("P1", months) == [Span("P1", m("2027-04"), m("2027-06")),
                                  Span("P1", m("2027-09"), m("2027-09"))]


# -- reading a plan workbook alone ------------------------------------------------------------
def test_a_plan_workbook_alone_gives_the_same_timeline(plan_book: Path) -> None:
    assert Timeline.from_workbook(plan_book) == Timeline.from_plan(plan_problem(), PLAN)


def test_a_month_filled_by_hand_since_the_plan_was_written_is_not_drawn_vacant(
        tmp_path: Path, plan_book: Path) -> None:
    book = load_workbook(plan_book)
    sheet = book["Secondments"]
    sheet.append(["D", "Dan", "HC", "HC8", "P2", "South", "2027-07", "2027-09", 3, "no", ""])
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    timeline = Timeline.from_workbook(edited)
    assert timeline.vacancies == (Span("P2", m("2027-10"), m("2027-12")),)
    assert Bar("P2", "D", "Dan", "HC", m("2027-07"), m("2027-09")) in timeline.bars


def test_an_input_workbook_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "input.xlsx"
    write_problem(path, plan_problem())
    with pytest.raises(InvalidInput) as raised:
        Timeline.from_workbook(path)
    messages = " ".join(f.message for f in raised.value.findings)
    assert "no Summary sheet" in messages and "no Secondments sheet" in messages


def test_a_bad_month_on_the_secondments_sheet_is_located(tmp_path: Path,
                                                         plan_book: Path) -> None:
    book = load_workbook(plan_book)
    book["Secondments"]["G2"] = "sometime"
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    with pytest.raises(InvalidInput) as raised:
        Timeline.from_workbook(broken)
    [finding] = raised.value.findings
    assert finding.location is not None
    assert (finding.location.sheet, finding.location.row, finding.location.column) == (
        "Secondments", 2, "start")


# -- the picture -------------------------------------------------------------------------------
def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header, after checking its signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_picture_is_a_png_of_a_size_for_a_projector(tmp_path: Path) -> None:
    path = tmp_path / "plan.png"
    draw_timeline(Timeline.from_plan(plan_problem(), PLAN), path, today=m("2027-06"))
    width, height = png_size(path)
    assert 1200 <= width <= 4000 and 300 <= height <= 2500
    with Image.open(path) as image:
        image.verify()
    assert [p.name for p in tmp_path.iterdir()] == ["plan.png"]  # no temporary file left


def test_today_is_marked_only_inside_the_horizon() -> None:
    timeline = Timeline.from_plan(plan_problem(), PLAN)

    def vertical_lines_at(today: int | None, x: float) -> int:
        axes = timeline_figure(timeline, today).axes[0]
        return sum(1 for line in axes.lines
                   if numpy.asarray(line.get_xdata(), dtype=float).tolist() == [x, x])

    assert vertical_lines_at(m("2027-06"), m("2027-06") + 0.5) == 1
    assert vertical_lines_at(m("2030-06"), m("2030-06") + 0.5) == 0
    assert vertical_lines_at(None, m("2027-06") + 0.5) == 0


def five_by_thirty_six() -> Timeline:
    """Five posts over 36 months with long names, short bars and handovers."""
    names = ["Alexandra Macdonald-Fitzwilliam", "Bob Ross", "Catriona Mackenzie-Stewart",
             "Duncan Fraser", "Eilidh Grant", "Fergus Munro", "Gillian Sutherland-Ross",
             "Hamish Ogilvie", "Isla Cameron", "Jo Wu"]
    people = [candidate(chr(65 + i), name=name, agency="HC" if i % 2 else "NHS",
                        grade="HC8" if i % 2 else "Band 6") for i, name in enumerate(names)]
    posts = [post(p, area=a) for p, a in [("CS", "Caithness and Sutherland"),
                                          ("EMR", "East and Mid Ross"),
                                          ("SWL", "Skye, Wester Ross and Lochaber"),
                                          ("NBS", "Nairn and Badenoch and Strathspey"),
                                          ("INV", "Inverness")]]
    plan = [
        secondment("A", "CS", "2027-04", "2029-02"), secondment("B", "CS", "2029-02", "2029-03"),
        secondment("C", "EMR", "2027-05", "2027-06"), secondment("D", "EMR", "2027-08", "2030-03"),
        secondment("E", "SWL", "2027-04", "2028-12"), secondment("F", "SWL", "2028-12", "2030-03"),
        secondment("G", "NBS", "2027-04", "2027-04"), secondment("H", "NBS", "2027-05", "2029-03"),
        secondment("I", "INV", "2027-04", "2028-06"), secondment("J", "INV", "2028-06", "2028-08"),
    ]
    problem_ = problem(horizon_months=36, posts=posts, candidates=people,
                       plan_name="A long plan name for the partnership board meeting")
    return Timeline.from_plan(problem_, plan)


def test_no_two_labels_overlap_on_a_five_post_thirty_six_month_plan() -> None:
    figure = timeline_figure(five_by_thirty_six(), today=m("2028-01"))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    axes = figure.axes[0]
    plot = axes.get_window_extent(renderer)
    labels = [t for t in axes.texts if isinstance(t, Text) and t.get_text()
              and t.get_transform() == axes.transData]
    assert len(labels) >= 10  # every bar long enough has its name on it
    boxes = [t.get_window_extent(renderer) for t in labels]
    for box in boxes:
        assert plot.x0 - 1 <= box.x0 and box.x1 <= plot.x1 + 1  # nothing spills off the plot
    for (first, a), (second, b) in itertools.combinations(zip(labels, boxes, strict=True), 2):
        assert not a.overlaps(b), f"{first.get_text()!r} overlaps {second.get_text()!r}"


def test_a_long_name_is_shrunk_before_it_is_cut_short() -> None:
    figure = timeline_figure(five_by_thirty_six())
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    name = "Catriona Mackenzie-Stewart"
    roomy = fit_text(renderer, [name], (14.0, 10.0), room=400)
    assert roomy is not None and (roomy.text, roomy.size) == (name, 14.0)
    tight = fit_text(renderer, [name], (14.0, 10.0), room=280)  # 321 px at 14pt, 237 at 10
    assert tight is not None and (tight.text, tight.size) == (name, 10.0)
    cut = fit_text(renderer, [name], (14.0, 10.0), room=60)
    assert cut is not None and cut.text.endswith("…") and cut.size == 10.0
    assert fit_text(renderer, [name], (14.0, 10.0), room=5) is None
    assert initials(name) == "CMS"


def test_month_labels_start_each_year_and_follow_the_financial_quarters() -> None:
    labelled = tick_months(m("2027-04"), m("2028-06"), 3)
    assert tick_labels(labelled) == ["Apr\n2027", "Jul", "Oct", "Jan\n2028", "Apr"]


def test_names_that_look_like_formulas_or_maths_are_drawn_as_typed(tmp_path: Path) -> None:
    problem_ = plan_problem(plan_name="Costs $5 and $6", candidates=[
        candidate("A", name="$x^2$ =SUM(A1)"), candidate("B", name="Bob", agency="NHS",
                                                          grade="Band 6"),
        candidate("C", name="Cat")])
    figure = timeline_figure(Timeline.from_plan(problem_, PLAN))
    figure.canvas.draw()  # mathtext would fail or change the text here
    shown = [t.get_text() for t in figure.axes[0].texts]
    assert any("$x^2$ =SUM(A1)" in text.replace("\\$", "$") for text in shown)


# -- the plan workbook and the command line ----------------------------------------------------
def test_the_plan_workbook_has_a_timeline_sheet_with_the_picture(plan_book: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = load_workbook(plan_book)
    assert book.sheetnames.index("Timeline") == book.sheetnames.index("Schedule") + 1
    sheet = book["Timeline"]
    assert str(sheet["A1"].value).startswith("Test partnership: the plan as a picture")
    [picture] = sheet._images
    assert picture.anchor._from.row == 2  # A3, below the caption
    assert picture._data()[:8] == PNG_SIGNATURE


def test_plot_writes_the_picture_beside_the_plan_and_refuses_to_overwrite(
        tmp_path: Path, plan_book: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(plan_book.read_bytes())
    code, output = run("plot", plan, "--today", "2027-06")
    assert code == 0, output
    assert png_size(tmp_path / "plan.png")[0] >= 1200
    before = (tmp_path / "plan.png").read_bytes()
    code, output = run("plot", plan)
    assert code == 2 and "already exists" in output and "--force" in output
    assert (tmp_path / "plan.png").read_bytes() == before
    code, output = run("plot", plan, "--force", "--today", "2028-01")
    assert code == 0, output


def test_plot_writes_where_asked(tmp_path: Path, plan_book: Path) -> None:
    target = tmp_path / "slides" / "timeline.png"
    code, output = run("plot", plan_book, "-o", target)
    assert code == 0, output
    assert png_size(target)[0] >= 1200


def test_plot_refuses_what_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "input.xlsx"
    write_problem(path, plan_problem())
    code, output = run("plot", path)
    assert code == 2
    assert "no Secondments sheet" in output and "cannot be read as a plan workbook" in output
    assert not (tmp_path / "input.png").exists()


def test_plot_refuses_a_picture_name_that_is_not_png_and_a_bad_today(
        tmp_path: Path, plan_book: Path) -> None:
    code, output = run("plot", plan_book, "-o", tmp_path / "timeline.jpg")
    assert code == 2 and ".png" in output
    code, output = run("plot", plan_book, "-o", tmp_path / "t.png", "--today", "soon")
    assert code == 2 and "--today" in output
    assert not (tmp_path / "t.png").exists()


def test_the_modules_loaded_while_the_solver_searches_are_the_ones_draw_imports() -> None:
    # `rotation solve` loads matplotlib on a background thread during the search; a module
    # draw imports but the thread does not would load on the planner's clock again.
    import ast
    import sys

    import rotation.picture.draw as draw
    from rotation.picture import DRAWING_MODULES, load_drawing_meanwhile

    source = ast.parse(Path(draw.__file__).read_text())
    imported = {node.module for node in ast.walk(source)
                if isinstance(node, ast.ImportFrom) and node.module
                and node.module.startswith("matplotlib")}
    assert imported == set(DRAWING_MODULES)
    loading = load_drawing_meanwhile()
    loading.join(timeout=60)
    assert not loading.is_alive()
    assert all(name in sys.modules for name in DRAWING_MODULES)


def test_the_picture_is_cropped_as_matplotlib_crops_it_tight(tmp_path: Path) -> None:
    # The crop worked out before saving (one drawing, not two) gives the very picture a
    # "tight" save gives, today line and all, for the plan of the module docstring and for
    # a plan with every kind of month.
    timelines = [(Timeline.from_plan(plan_problem(), PLAN), None),
                 (Timeline.from_plan(plan_problem(), PLAN[:1]), m("2027-08"))]
    for index, (timeline, today) in enumerate(timelines):
        ours, tight = tmp_path / f"ours{index}.png", tmp_path / f"tight{index}.png"
        draw_timeline(timeline, ours, today=today)
        timeline_figure(timeline, today).savefig(tight, format="png", dpi=120,
                                                 bbox_inches="tight", pad_inches=0.3,
                                                 facecolor="white")
        with Image.open(ours) as mine, Image.open(tight) as theirs:
            assert mine.size == theirs.size
            assert numpy.array_equal(numpy.asarray(mine), numpy.asarray(theirs))
