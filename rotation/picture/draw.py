"""Drawing a :class:`Timeline` as a PNG: posts down, months across, one bar per secondment.

Sized for a projector (large fonts, a wide canvas); labels shrink or shorten to fit their
bars and are left out rather than spill over a neighbour. Agency colours are the Schedule
sheet's, and as on the Schedule meaning never rests on colour alone: every bar names its
person and agency where there is room, vacancies are hatched and the legend spells it out.
Drawn with the Agg backend and no pyplot state, so it is safe in tests and on servers.
"""

from __future__ import annotations

import textwrap
from itertools import groupby
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke

from rotation.io.files import atomic_path
from rotation.io.plan_sheets.styles import UNKNOWN_AGENCY_COLOUR, agency_colours
from rotation.months import Month, financial_year, financial_year_label, format_month
from rotation.picture.fitting import fit_text, long_month, tick_labels, tick_months, tick_step
from rotation.picture.timeline import Bar, Piece, Span, Timeline, bar_pieces

DPI = 120
ROW_INCHES = 0.95  # height of one post's row
BAR_HEIGHT = 0.74  # share of a row a bar fills
MONTH_INCHES = 0.4  # width of a month, until the plot would be wider than MAX_PLOT_INCHES
MIN_PLOT_INCHES, MAX_PLOT_INCHES = 9.0, 24.0
LEFT_INCHES = 3.2  # room for the post ids and areas
LABEL_SIZES = (14.0, 12.0, 10.0)
SPAN_SIZE = 10.5
TICK_SIZE = 13.0
LEGEND_SIZE = 13.0
PAD_PIXELS = 6
PAD_INCHES = 0.3  # the white margin around what is drawn
BAND_POINTS = 24  # height of the financial-year band above the plot; labels above it
ARROW_MONTHS = 0.6  # width kept clear for a "runs on" arrowhead at the horizon's edge

INK = "#222222"
EDGE = "#333333"
ROW_SHADE = "#F6F6F6"
MONTH_GRID = "#E2E2E2"
YEAR_LINE = "#8FAED0"  # light blue, as the Schedule's financial-year bands
BAND_FILLS = ("#DDEBF7", "#BDD7EE")
BAND_INK = "#1F4E78"
VACANT_FACE, VACANT_INK = "#FCE4E4", "#C00000"
FUNDED_FACE, FUNDED_INK = "#BFBFBF", "#404040"
CLOSED_FACE = "#EDEDED"
HANDOVER_INK = "#3F1F69"
TODAY_INK = "#111111"


def draw_timeline(timeline: Timeline, path: Path, today: Month | None = None) -> None:
    """Write the timeline as a PNG at ``path`` (atomically); mark ``today`` if in the horizon.

    The picture is cropped to what is drawn, with a margin of ``PAD_INCHES``. The crop is
    worked out here, on the renderer the drawing measured its labels with, so that matplotlib
    draws the picture once: asked for a "tight" box it draws it twice, the first time only to
    measure (0.2 s of the 0.6 s the picture took on a 5-post plan; the same pixels)."""
    figure = timeline_figure(timeline, today)
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # (``timeline_figure`` draws on Agg)
    crop = figure.get_tightbbox(canvas.get_renderer()).padded(PAD_INCHES)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=DPI, bbox_inches=crop, facecolor="white")


def plain(text: str) -> str:
    """Text shown as typed: a name with two dollar signs must not be read as a formula."""
    return text.replace("$", r"\$")


def timeline_figure(timeline: Timeline, today: Month | None = None) -> Figure:
    """The whole picture: grid, spans, bars, labels, ticks, title and legend."""
    months = len(timeline.horizon)
    rows = max(1, len(timeline.posts))
    plot_width = min(MAX_PLOT_INCHES, max(MIN_PLOT_INCHES, months * MONTH_INCHES))
    plot_height = rows * ROW_INCHES
    width, height = LEFT_INCHES + plot_width + 0.4, plot_height + 2.4
    figure = Figure(figsize=(width, height), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((LEFT_INCHES / width, 1.0 / height, plot_width / width,
                            plot_height / height))
    axes.set_xlim(timeline.horizon_start, timeline.horizon_end + 1)
    axes.set_ylim(rows - 0.5, -0.5)
    renderer = canvas.get_renderer()
    drawing = _Drawing(timeline, axes, renderer, plot_width * DPI / months)
    drawing.grid()
    drawing.spans()
    drawing.bars()
    drawing.ticks(plot_height)
    drawing.title()
    if today is not None and today in timeline.horizon:
        drawing.today(today)
    drawing.legend(plot_height, width)
    return figure


class _Drawing:
    """One picture being drawn: the timeline, its axes and what the legend must explain."""

    def __init__(self, timeline: Timeline, axes: Axes, renderer: RendererBase,
                 month_pixels: float) -> None:
        """Remember where to draw and how wide a month is on the canvas."""
        self.timeline = timeline
        self.axes = axes
        self.renderer = renderer
        self.month_pixels = month_pixels
        codes = [code for code, _name in timeline.agencies]
        self.colours = {code: f"#{colour}" for code, colour in agency_colours(codes).items()}
        self.rows = {post.post: index for index, post in enumerate(timeline.posts)}
        self.seen: set[str] = set()  # special marks drawn, for the legend

    # -- background ------------------------------------------------------------------------
    def grid(self) -> None:
        """Row shading, post labels, month lines and financial-year lines."""
        axes, timeline = self.axes, self.timeline
        for index, post in enumerate(timeline.posts):
            if index % 2 == 0:
                axes.axhspan(index - 0.5, index + 0.5, color=ROW_SHADE, zorder=0)
            axes.annotate(plain(post.post), xy=(0, index), xycoords=("axes fraction", "data"),
                          xytext=(-14, 2), textcoords="offset points", ha="right", va="bottom",
                          fontsize=16, fontweight="bold", color=INK)
            area = "\n".join(textwrap.wrap(post.area, 24, max_lines=2, placeholder="…"))
            axes.annotate(plain(area), xy=(0, index), xycoords=("axes fraction", "data"),
                          xytext=(-14, -1), textcoords="offset points", ha="right", va="top",
                          fontsize=12, color="#444444", linespacing=1.0)
        for month in timeline.horizon:
            axes.axvline(month, color=MONTH_GRID, linewidth=0.6, zorder=0.5)
        for month in timeline.horizon:
            if month % 12 == 3 and month != timeline.horizon_start:  # April: a new year
                axes.axvline(month, color=YEAR_LINE, linewidth=1.6, zorder=0.6)
        for spine in ("top", "right", "left"):
            axes.spines[spine].set_visible(False)
        axes.set_yticks([])

    def spans(self) -> None:
        """Months without a secondee: post closed, funded officer, or vacant (hatched red)."""
        for span in self.timeline.closed:
            self._span(span, CLOSED_FACE, None, "", "#888888")
            self.seen.add("closed")
        for span in self.timeline.funded:
            self._span(span, FUNDED_FACE, None, "funded post", FUNDED_INK)
            self.seen.add("funded")
        for span in self.timeline.vacancies:
            self._span(span, VACANT_FACE, VACANT_INK, "VACANT", VACANT_INK, hatch="///")
            self.seen.add("vacant")

    def _span(self, span: Span, face: str, edge: str | None, label: str, ink: str,
              hatch: str | None = None) -> None:
        """One span as a full-height block with its word on it where it fits."""
        row = self.rows.get(span.post)
        if row is None:
            return
        self.axes.add_patch(Rectangle((span.first, row - BAR_HEIGHT / 2), span.months,
                                      BAR_HEIGHT, facecolor=face, edgecolor=edge or face,
                                      hatch=hatch, linewidth=1.0 if edge else 0, zorder=1))
        fitted = fit_text(self.renderer, [label], (13.0, 11.0), self._room(span.months),
                          bold=True, shorten=False) if label else None
        if fitted:
            self.axes.text(span.first + span.months / 2, row, fitted.text, ha="center",
                           va="center", fontsize=fitted.size, fontweight="bold", color=ink,
                           zorder=7, bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                           "edgecolor": "none", "alpha": 0.85})

    # -- secondments -----------------------------------------------------------------------
    def bars(self) -> None:
        """Every secondment, split into slices where two share a post, then its label."""
        for post in self.timeline.posts:
            pieces = bar_pieces(self.timeline, post.post)
            for piece in pieces:
                self._piece(piece)
            for bar, of_bar in groupby(pieces, key=lambda p: p.bar):
                self._label(bar, list(of_bar))

    def _piece(self, piece: Piece) -> None:
        """One slice of a bar: full height alone, a share of it in an overlap."""
        row = self.rows[piece.bar.post]
        height = BAR_HEIGHT / piece.slots
        top = row - BAR_HEIGHT / 2 + piece.slot * height
        colour = self._colour(piece.bar)
        edge, width, hatch, style = EDGE, 0.9, None, "solid"
        if piece.bar.existing:
            width = 2.4
            self.seen.add("existing")
        if piece.shared == "handover":
            edge, hatch, style = HANDOVER_INK, "//", "dashed"
            self.seen.add("handover")
        elif piece.shared == "clash":
            edge, width, hatch = VACANT_INK, 2.4, "xx"
            self.seen.add("clash")
        self.axes.add_patch(Rectangle((piece.first, top), piece.months, height,
                                      facecolor=colour, edgecolor=edge, linewidth=width,
                                      linestyle=style, hatch=hatch, zorder=2))
        self._continues(piece, row)

    def _continues(self, piece: Piece, row: int) -> None:
        """An arrowhead where a bar runs on beyond the horizon."""
        timeline, bar = self.timeline, piece.bar
        for outside, edge_month, marker, nudge in (
                (bar.start < timeline.horizon_start, timeline.horizon_start, "<", 0.3),
                (bar.end > timeline.horizon_end, timeline.horizon_end + 1, ">", -0.3)):
            if outside and (piece.first if marker == "<" else piece.last + 1) == edge_month:
                self.axes.plot([edge_month + nudge], [row], marker=marker, markersize=11,
                               color=INK, zorder=4, clip_on=False)
                self.seen.add("continues")

    def _label(self, bar: Bar, pieces: list[Piece]) -> None:
        """The person's name (and agency, and dates where there is room) on their bar."""
        alone = [p for p in pieces if p.slots == 1]
        piece = max(alone or pieces, key=lambda p: (p.months, -p.first))
        # Keep clear of the arrowheads drawn where the bar runs on beyond the horizon.
        left = ARROW_MONTHS if piece.first == self.timeline.horizon_start < bar.start else 0.0
        right = ARROW_MONTHS if piece.last == self.timeline.horizon_end < bar.end else 0.0
        room = self._room(piece.months - left - right)
        full = f"{bar.name} ({bar.agency})" if bar.agency else bar.name
        sizes = LABEL_SIZES if piece.slots == 1 else LABEL_SIZES[-1:]
        fitted = fit_text(self.renderer, [full, bar.name], sizes, room, bold=True)
        if fitted is None:
            return
        row = self.rows[bar.post]
        centre_x = piece.first + left + (piece.months - left - right) / 2
        height = BAR_HEIGHT / piece.slots
        centre_y = row - BAR_HEIGHT / 2 + (piece.slot + 0.5) * height
        dates = f"{long_month(bar.start)} – {long_month(bar.end)}"
        show_dates = piece.slots == 1 and fit_text(self.renderer, [dates], (SPAN_SIZE,), room,
                                                   shorten=False) is not None
        offset = 0.13 if show_dates else 0.0
        # A halo in the bar's colour keeps the text legible where the today line crosses it.
        halo = [withStroke(linewidth=4, foreground=self._colour(bar))]
        self.axes.text(centre_x, centre_y - offset, plain(fitted.text), ha="center", va="center",
                       fontsize=fitted.size, color=INK, zorder=7, path_effects=halo,
                       fontweight="bold")
        if show_dates:
            self.axes.text(centre_x, centre_y + 0.17, dates, ha="center", va="center",
                           fontsize=SPAN_SIZE, color="#333333", zorder=7, path_effects=halo)

    def _colour(self, bar: Bar) -> str:
        """The bar's agency colour (white for an agency the plan does not list)."""
        return self.colours.get(bar.agency, f"#{UNKNOWN_AGENCY_COLOUR}")

    def _room(self, months: float) -> float:
        """Pixels available for text across ``months`` months, less a margin each side."""
        return months * self.month_pixels - 2 * PAD_PIXELS

    # -- axes and furniture ----------------------------------------------------------------
    def ticks(self, plot_height: float) -> None:
        """Month labels below (spaced so they never crowd), financial-year bands above."""
        timeline, axes = self.timeline, self.axes
        step = tick_step(self.renderer, self.month_pixels, TICK_SIZE)
        labelled = tick_months(timeline.horizon_start, timeline.horizon_end, step)
        axes.set_xticks([m + 0.5 for m in labelled], tick_labels(labelled), fontsize=TICK_SIZE,
                        color=INK)
        axes.set_xticks([m + 0.5 for m in timeline.horizon], minor=True)
        axes.tick_params(axis="x", which="major", length=0, pad=6)
        axes.tick_params(axis="x", which="minor", length=4, color="#999999")
        band_position = axes.get_xaxis_transform()  # x in months, y in axes fractions
        band = BAND_POINTS / 72 / plot_height  # the same height in points however many rows
        years = groupby(timeline.horizon, key=financial_year)
        for index, (year, in_year) in enumerate(years):
            months = list(in_year)
            first, count = months[0], len(months)
            axes.add_patch(Rectangle((first, 1.0), count, band, transform=band_position,
                                     facecolor=BAND_FILLS[index % 2], edgecolor="white",
                                     linewidth=1.5, clip_on=False, zorder=1))
            label = fit_text(self.renderer, [f"FY {financial_year_label(year)}",
                                             financial_year_label(year)], (13.0, 11.0),
                             self._room(count), bold=True)
            if label:
                axes.text(first + count / 2, 1 + band / 2, label.text, transform=band_position,
                          ha="center", va="center", fontsize=label.size, fontweight="bold",
                          color=BAND_INK, clip_on=False)

    def title(self) -> None:
        """The plan name, and a line saying what the picture shows."""
        timeline = self.timeline
        months = len(timeline.horizon)
        self.axes.set_title(plain(timeline.plan_name or "Secondment plan"), loc="left", pad=74,
                            fontsize=24, fontweight="bold", color=INK)
        span = long_month(timeline.horizon_start)
        if months > 1:
            span += f" to {long_month(timeline.horizon_end)}"
        self.axes.annotate(
            f"Who holds each post, month by month: {span} ({months} month"
            f"{'s' if months != 1 else ''}). Bars are coloured by agency.",
            xy=(0, 1), xycoords="axes fraction", xytext=(0, 50), textcoords="offset points",
            ha="left", va="bottom", fontsize=14, color="#444444")

    def today(self, today: Month) -> None:
        """A vertical line through the middle of today's month, labelled above the plot."""
        x = today + 0.5
        self.axes.axvline(x, color=TODAY_INK, linewidth=2.2, linestyle=(0, (5, 3)), zorder=6)
        self.axes.annotate(f"today ({format_month(today)})", xy=(x, 1.0),
                           xycoords=("data", "axes fraction"), xytext=(0, 28),
                           textcoords="offset points", ha="center", va="bottom", fontsize=12,
                           fontweight="bold", color=TODAY_INK,
                           bbox={"boxstyle": "round,pad=0.25", "facecolor": "#FFF2CC",
                                 "edgecolor": TODAY_INK, "linewidth": 1.0})

    def legend(self, plot_height: float, figure_width: float) -> None:
        """Agencies first, then the marks that appear in this picture, below the month labels."""
        handles: list[Patch | Line2D] = [
            Patch(facecolor=self.colours.get(code, f"#{UNKNOWN_AGENCY_COLOUR}"), edgecolor=EDGE,
                  label=plain(f"{code}: {name}" if name and name != code else code))
            for code, name in self.timeline.agencies]
        marks: list[tuple[str, Patch | Line2D]] = [
            ("vacant", Patch(facecolor=VACANT_FACE, edgecolor=VACANT_INK, hatch="///",
                             label="Vacant: no holder")),
            ("funded", Patch(facecolor=FUNDED_FACE, edgecolor=FUNDED_FACE,
                             label="Funded post (not a secondee)")),
            ("closed", Patch(facecolor=CLOSED_FACE, edgecolor=CLOSED_FACE,
                             label="Post does not exist")),
            ("handover", Patch(facecolor="white", edgecolor=HANDOVER_INK, hatch="//",
                               linestyle="dashed", label="Handover: both in post")),
            ("clash", Patch(facecolor="white", edgecolor=VACANT_INK, hatch="xx", linewidth=2.4,
                            label="Sharing the post outside a handover (breaks R1)")),
            ("existing", Patch(facecolor="white", edgecolor=EDGE, linewidth=2.4,
                               label="Agreed (Existing sheet)")),
            ("continues", Line2D([], [], marker=">", color=INK, linestyle="none", markersize=11,
                                 label="Runs on outside the horizon (before or after)")),
        ]
        handles += [handle for key, handle in marks if key in self.seen]
        columns = max(1, min(len(handles), int((figure_width - 1) // 4.2)))
        self.axes.legend(handles=handles, loc="upper left",
                         bbox_to_anchor=(0.0, -0.85 / plot_height), ncols=columns,
                         fontsize=LEGEND_SIZE, frameon=False, handlelength=2.4, handleheight=1.3,
                         columnspacing=1.8, borderaxespad=0.0)
