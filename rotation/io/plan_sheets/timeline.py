"""The Timeline sheet: the plan as a picture, for a board paper or a projector.

One caption line above a PNG drawn by ``rotation.picture`` (posts down, months across, one bar
per secondment in the Schedule's agency colours). The picture has no "today" line: the
workbook says what was planned, not when it is read (``rotation plot`` adds the line).
"""

from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image

from rotation.io.plan_sheets import printing, styles
from rotation.io.xlsx import set_value
from rotation.picture.draw import draw_timeline
from rotation.picture.timeline import Timeline

SHEET = "Timeline"
CAPTION = ("{plan}: the plan as a picture. Posts down, months across, one bar per secondment "
           "in its agency's colour (as on the Schedule); red hatching marks vacant months.")
PICTURE_ANCHOR = "A3"
SHOWN_WIDTH = 1250  # pixels the picture takes on screen in Excel; the PNG itself is sharper


def timeline_png(timeline: Timeline) -> bytes:
    """The timeline drawn as PNG bytes, with no today line."""
    with tempfile.TemporaryDirectory(prefix="rotation-timeline-") as folder:
        path = Path(folder) / "timeline.png"
        draw_timeline(timeline, path, today=None)
        return path.read_bytes()


def write_timeline(book: Workbook, timeline: Timeline) -> None:
    """Add the Timeline sheet: a caption in A1 and the picture below it, printed landscape."""
    sheet = book.create_sheet(SHEET)
    set_value(sheet["A1"], CAPTION.format(plan=timeline.plan_name or "Plan"))
    sheet["A1"].font = styles.SECTION_FONT
    picture = Image(BytesIO(timeline_png(timeline)))
    scale = min(1.0, SHOWN_WIDTH / picture.width)
    picture.width, picture.height = round(picture.width * scale), round(picture.height * scale)
    sheet.add_image(picture, PICTURE_ANCHOR)
    sheet.sheet_view.showGridLines = False
    printing.fit_to_one_page(sheet, landscape=True)
