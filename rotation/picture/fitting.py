"""Making text fit: bar labels that shrink or shorten in short bars, month ticks that never crowd.

Widths are measured with matplotlib's own renderer, so a label is only drawn where it fits
inside its bar at the size it will be printed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties

from rotation.months import Month

ELLIPSIS = "…"
SHORTEST_TRUNCATION = 3  # "Ann…" still says who it is; "A…" does not
TICK_STEPS = (1, 3, 6, 12)  # months between month labels: every month, quarters, halves, years
APRIL = 3  # month-of-year index of April: ticks line up with the financial year
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                       "Nov", "Dec")


@dataclass(frozen=True)
class FittedText:
    """A label and the font size at which it fits."""

    text: str
    size: float


def text_width(renderer: RendererBase, text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` in pixels at ``size`` points."""
    font = FontProperties(size=size, weight="bold" if bold else "normal")
    width, _height, _descent = renderer.get_text_width_height_descent(text, font, ismath=False)
    return float(width)


def shortened(text: str) -> Iterator[str]:
    """``text`` cut shorter and shorter, each ending in an ellipsis, down to a few letters."""
    for length in range(len(text) - 1, SHORTEST_TRUNCATION - 1, -1):
        yield text[:length].rstrip() + ELLIPSIS


def initials(name: str) -> str:
    """``AM`` for ``Alexandra Macdonald-Fitzwilliam``: the last resort in a very short bar."""
    return "".join(word[0] for word in name.replace("-", " ").split() if word[:1].isalpha())


def fit_text(renderer: RendererBase, choices: Sequence[str], sizes: Sequence[float],
             room: float, bold: bool = False, shorten: bool = True) -> FittedText | None:
    """The first choice that fits in ``room`` pixels, largest size first; shortened last.

    Every choice is tried at every size before the last (shortest) one is cut down, then
    reduced to initials (with ``shorten``), so a name is shrunk before it is truncated.
    None when nothing fits.
    """
    for size in sizes:
        for text in choices:
            if text_width(renderer, text, size, bold) <= room:
                return FittedText(text, size)
    if not choices or not shorten:
        return None
    smallest = sizes[-1]
    for text in [*shortened(choices[-1]), initials(choices[-1])]:
        if text and text_width(renderer, text, smallest, bold) <= room:
            return FittedText(text, smallest)
    return None


def month_label(value: Month) -> str:
    """``Apr`` for April, whatever the year."""
    return MONTH_ABBREVIATIONS[value % 12]


def long_month(value: Month) -> str:
    """``Apr 2027``."""
    year, index = divmod(value, 12)
    return f"{MONTH_ABBREVIATIONS[index]} {year}"


def tick_step(renderer: RendererBase, month_width: float, size: float) -> int:
    """The fewest months between month labels that keeps them from touching."""
    widest = max(text_width(renderer, label, size) for label in MONTH_ABBREVIATIONS)
    gap = size  # at least one letter's space between neighbours
    for step in TICK_STEPS:
        if widest + gap <= step * month_width:
            return step
    return TICK_STEPS[-1]


def tick_months(first: Month, last: Month, step: int) -> list[Month]:
    """The months to label: every ``step`` months counted from April."""
    return [m for m in range(first, last + 1) if (m % 12 - APRIL) % step == 0]


def tick_labels(months: Sequence[Month]) -> list[str]:
    """``Apr`` under each tick, with the year below the first tick of each calendar year."""
    labels = []
    for index, value in enumerate(months):
        if index == 0 or value // 12 != months[index - 1] // 12:
            labels.append(f"{month_label(value)}\n{value // 12}")
        else:
            labels.append(month_label(value))
    return labels
