"""Fills, fonts and number formats shared by the plan sheets.

Agency colours are Paul Tol's "light" scheme, made for cells with black text on them and
distinguishable with the common forms of colour blindness. Its pale grey is left out because
grey means "funded" or "no post" here. Meaning never rests on colour alone: every coloured
cell also carries text (a name, VACANT, funded, a status word).
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from rotation.io.xlsx import FONT_NAME

AGENCY_COLOURS: tuple[str, ...] = (
    "77AADD",  # light blue
    "EE8866",  # orange
    "EEDD88",  # light yellow
    "FFAABB",  # pink
    "99DDFF",  # light cyan
    "44BB99",  # mint
    "BBCC33",  # pear
    "AAAA00",  # olive
)
UNKNOWN_AGENCY_COLOUR = "FFFFFF"

# A quoted pound sign is valid in every spreadsheet's number-format grammar.
MONEY_FORMAT = '"£"#,##0'
PERCENT_FORMAT = "0%"

VACANT_FILL = PatternFill("solid", fgColor="C00000")
VACANT_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
FUNDED_FILL = PatternFill("solid", fgColor="BFBFBF")
FUNDED_FONT = Font(name=FONT_NAME, italic=True, color="404040")
NO_POST_FILL = PatternFill("solid", fgColor="EDEDED")
HANDOVER_FILL = PatternFill("solid", fgColor="D9D2E9")
HANDOVER_FONT = Font(name=FONT_NAME, bold=True, italic=True, color="3F1F69")
HANDOVER_BORDER = Border(left=Side(style="dashed", color="3F1F69"),
                         right=Side(style="dashed", color="3F1F69"))

# "Nearly there" and "reached" on the Backfill sheet, after Excel's own warning styles.
NEAR_FILL = PatternFill("solid", fgColor="FFEB9C")
NEAR_FONT = Font(name=FONT_NAME, color="9C5700")
REACHED_FILL = PatternFill("solid", fgColor="FFC7CE")
REACHED_FONT = Font(name=FONT_NAME, bold=True, color="9C0006")

SECTION_FONT = Font(name=FONT_NAME, bold=True, size=12)
BAND_FILLS = (PatternFill("solid", fgColor="DDEBF7"), PatternFill("solid", fgColor="BDD7EE"))
BAND_FONT = Font(name=FONT_NAME, bold=True, color="1F4E78")
CENTRED = Alignment(horizontal="center", vertical="center")
CENTRED_WRAPPED = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAPPED = Alignment(vertical="center", wrap_text=True)
PLAIN_FONT = Font(name=FONT_NAME)
ITALIC_FONT = Font(name=FONT_NAME, italic=True)


def agency_fill(colour: str) -> PatternFill:
    """A solid fill in an agency's colour."""
    return PatternFill("solid", fgColor=colour)


def agency_colours(codes: list[str]) -> dict[str, str]:
    """One colour per agency code, in the order the agencies are listed.

    More agencies than colours reuse the palette from the start; the legend still tells
    them apart by code and name.
    """
    return {code: AGENCY_COLOURS[index % len(AGENCY_COLOURS)] for index, code in enumerate(codes)}
