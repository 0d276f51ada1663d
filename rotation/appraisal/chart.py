"""The options appraisal as a picture: the key figures of each scenario as bars.

Four panels, one per figure, so that pounds and months never share an axis: direct cost a
year, backfill cost a year, vacant post-months and handovers. A scenario with no plan shows
no bar and says so. Drawn with matplotlib's Agg canvas (no screen needed).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rotation.appraisal.compare import Figures, Outcome

BAR_COLOUR = "#4477AA"  # Paul Tol's bright blue: readable in colour-blind vision and grey print
PANELS: tuple[tuple[str, Callable[[Figures], float], bool], ...] = (
    ("Direct cost a year (£)", lambda f: f.direct_cost_a_year, True),
    ("Backfill cost a year (£)", lambda f: f.backfill_cost_a_year, True),
    ("Vacant post-months", lambda f: f.vacant_post_months, False),
    ("Handovers", lambda f: f.handovers, False),
)
LABEL_WIDTH = 14  # characters of a scenario name on one line under its bar


def comparison_png(outcomes: Sequence[Outcome], title: str) -> bytes:
    """The chart as PNG bytes."""
    figure = Figure(figsize=(11, 7.5), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=14, fontweight="bold")
    axes = figure.subplots(2, 2)
    for ax, (heading, pick, money) in zip(axes.flat, PANELS, strict=True):
        _panel(ax, outcomes, heading, pick, money)
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _panel(ax: Axes, outcomes: Sequence[Outcome], heading: str,
           pick: Callable[[Figures], float], money: bool) -> None:
    """One figure across the scenarios, each bar labelled with its value."""
    labels = [textwrap.fill(o.scenario.name, LABEL_WIDTH) for o in outcomes]
    values = [pick(o.figures) if o.figures else 0.0 for o in outcomes]
    bars = ax.bar(range(len(outcomes)), values, color=BAR_COLOUR)
    ax.set_title(heading, fontsize=11)
    ax.set_xticks(range(len(outcomes)), labels, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max([*values, 1.0]) * 1.18)
    for bar, outcome, value in zip(bars, outcomes, values, strict=True):
        text = "no plan" if outcome.figures is None else (
            f"£{value:,.0f}" if money else f"{value:g}")
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontsize=9)
    if money:
        ax.yaxis.set_major_formatter(lambda value, _position: f"£{value / 1000:,.0f}k")
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # months and counts are whole
