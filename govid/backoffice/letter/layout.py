"""Decree 30/2020/NĐ-CP, Appendix I, "công văn": header table (issuer and number on the left,
national title and motto, place and date on the right), "V/v" line, recipients, body with the
table of accounts, signature block and "Nơi nhận"."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from govid.backoffice.letter.fonts import register_fonts

TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN, BOTTOM_MARGIN = 30 * mm, 15 * mm, 20 * mm, 20 * mm
FRAME_PADDING = 6  # points, inside the margins: no line of the table ever touches them
WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN - 2 * FRAME_PADDING  # what text and tables fill
CELL_SIZE = 12  # the table's font size
CELL_PADDING = 6  # points, each side of a cell (ReportLab's default)
LONGEST_PHONE = "0" * 11  # a legacy 11-digit mobile: the phone column never wraps one


class LetterUnavailable(RuntimeError):
    """The fonts are missing: the letter cannot be made on this server."""


@dataclass(frozen=True)
class LetterLine:
    name: str
    login: str
    phone: str  # national digits, e.g. 0912345678
    reason: str


@dataclass(frozen=True)
class Letter:
    parent_name: str  # the issuer's managing body ("Thành phố Sóc Trăng")
    unit_name: str
    place: str
    date: datetime | None  # None: "ngày ... tháng ... năm ..." left to write by hand
    number: str  # the number line under the issuer ("Số: ........./CV")
    subject: str  # the "V/v" line
    recipients: list[str]
    intro: str
    closing: str
    lines: list[LetterLine]
    reference: str
    blank_rows: int = 0  # empty rows after the lines, to fill by hand


class Rule(Flowable):
    """A centred horizontal line under a heading (the decree's "đường kẻ ngang, nét liền")."""

    def __init__(self, width: float, column: float) -> None:
        super().__init__()
        self.rule_width, self.column = width, column

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.column, 3

    def draw(self) -> None:
        start = (self.column - self.rule_width) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, 2, start + self.rule_width, 2)


def _styles(family: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=family, fontSize=13, leading=17)
    return {
        "head": ParagraphStyle("head", base, fontSize=12.5, leading=15, alignment=TA_CENTER),
        "date": ParagraphStyle("date", base, fontName=f"{family}-Italic", alignment=TA_CENTER),
        "body": ParagraphStyle(
            "body", base, fontSize=14, leading=19, alignment=TA_JUSTIFY, firstLineIndent=10 * mm
        ),
        "to": ParagraphStyle("to", base, fontSize=14, leading=19, leftIndent=30 * mm),
        "cell": ParagraphStyle("cell", base, fontSize=CELL_SIZE, leading=14.5, alignment=TA_LEFT),
        "cellc": ParagraphStyle(
            "cellc", base, fontSize=CELL_SIZE, leading=14.5, alignment=TA_CENTER
        ),
        "small": ParagraphStyle("small", base, fontSize=11, leading=13),
    }


def _date_line(place: str, date: datetime | None) -> str:
    if date is None:
        return f"{place}, ngày ...... tháng ...... năm 20......"
    # The decree writes days below 10 and months below 3 with a leading zero.
    local = timezone.localtime(date)
    return f"{place}, ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"


def _header(letter: Letter, s: dict[str, ParagraphStyle], family: str) -> Table:
    # The national title stays on one line (3 and 6 points: the cell's padding).
    right_w = max(WIDTH * 0.58, _text_width(TITLE, f"{family}-Bold", 12.5) + 3 + 6 + 2)
    left_w = WIDTH - right_w
    left = [
        Paragraph(escape(letter.parent_name.upper()), s["head"]),
        Paragraph(f"<b>{escape(letter.unit_name.upper())}</b>", s["head"]),
        Rule(25 * mm, left_w - 6),
        Spacer(1, 4),
        Paragraph(escape(letter.number), s["head"]),
        Paragraph(f"V/v {escape(letter.subject)}", s["head"]),
    ]
    motto_width = _text_width(MOTTO, f"{family}-Bold", 13)
    right = [
        Paragraph(f"<b>{TITLE}</b>", s["head"]),
        Paragraph(f"<b>{MOTTO}</b>", ParagraphStyle("motto", s["head"], fontSize=13)),
        Rule(motto_width, right_w - 6),
        Spacer(1, 6),
        Paragraph(escape(_date_line(letter.place, letter.date)), s["date"]),
    ]
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3)])
    )
    return table


def _text_width(text: str, font: str, size: float) -> float:
    return float(stringWidth(text, font, size))


def _recipients(letter: Letter, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if len(letter.recipients) == 1:
        return [Paragraph(f"Kính gửi: {escape(letter.recipients[0])}.", s["to"])]
    items: list[Flowable] = [Paragraph("Kính gửi:", s["to"])]
    last = len(letter.recipients) - 1
    for i, name in enumerate(letter.recipients):
        end = "." if i == last else ";"
        items.append(
            Paragraph(f"- {escape(name)}{end}", ParagraphStyle("r", s["to"], leftIndent=36 * mm))
        )
    return items


def _column_widths(family: str) -> list[float]:
    """TT, name, address, phone, reason: together exactly the frame's width. The number and
    the phone columns hold their widest content on one line; the rest is shared."""
    pad = 2 * CELL_PADDING + 1
    number = max(
        _text_width("TT", f"{family}-Bold", CELL_SIZE), _text_width("999", family, CELL_SIZE)
    )
    phone = _text_width(LONGEST_PHONE, family, CELL_SIZE)
    fixed = [number + pad, phone + pad]
    rest = WIDTH - sum(fixed)
    name, address = rest * 0.30, rest * 0.43
    return [fixed[0], name, address, fixed[1], rest - name - address]


def address_lines(address: str, font: str, size: float, width: float) -> list[str]:
    """``address`` cut into lines no wider than ``width``, only after an "@" or a ".".

    A piece between two of them that is wider than the whole column stays one line (the
    paragraph then has to cut it; no real address has one that long)."""
    lines: list[str] = []
    for piece in (p for p in re.split(r"(?<=[@.])", address) if p):
        if lines and _text_width(lines[-1] + piece, font, size) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def _accounts_table(letter: Letter, s: dict[str, ParagraphStyle], family: str) -> Table:
    widths = _column_widths(family)
    inside = widths[2] - 2 * CELL_PADDING
    head = ["TT", "Họ và tên", "Hộp thư công vụ", "Số điện thoại di động mới", "Lý do"]
    rows: list[list[Flowable | str]] = [[Paragraph(f"<b>{h}</b>", s["cellc"]) for h in head]]
    for n, line in enumerate(letter.lines, start=1):
        address = address_lines(line.login, family, CELL_SIZE, inside)
        rows.append(
            [
                Paragraph(str(n), s["cellc"]),
                Paragraph(escape(line.name), s["cell"]),
                Paragraph("<br/>".join(escape(part) for part in address), s["cell"]),
                Paragraph(escape(line.phone), s["cellc"]),
                Paragraph(escape(line.reason), s["cell"]),
            ]
        )
    first_blank = len(rows)
    for n in range(first_blank, first_blank + letter.blank_rows):
        rows.append([Paragraph(str(n), s["cellc"]), "", "", "", ""])
    heights: list[float | None] = [None] * first_blank + [11 * mm] * letter.blank_rows
    table = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ]
        )
    )
    return table


def _signature(s: dict[str, ParagraphStyle]) -> Table:
    left = [
        Paragraph("<b><i>Nơi nhận:</i></b>", ParagraphStyle("nn", s["small"], fontSize=12)),
        Paragraph("- Như trên;", s["small"]),
        Paragraph("- Lưu: VT.", s["small"]),
    ]
    right = [
        Paragraph("<b>THỦ TRƯỞNG ĐƠN VỊ</b>", ParagraphStyle("sig", s["head"], fontSize=13)),
        Paragraph("<i>(Ký, ghi rõ họ tên và đóng dấu)</i>", s["head"]),
    ]
    table = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def render_letter(letter: Letter, *, font_dir: str) -> bytes:
    """The PDF bytes of ``letter``."""
    try:
        family = register_fonts(font_dir)
    except FileNotFoundError as missing:
        raise LetterUnavailable(str(missing)) from None
    s = _styles(family)
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=f"V/v {letter.subject}",
        author=letter.unit_name,
        subject=letter.reference,
    )
    frame = Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        doc.width,
        doc.height,
        leftPadding=FRAME_PADDING,
        rightPadding=FRAME_PADDING,
        topPadding=FRAME_PADDING,
        bottomPadding=FRAME_PADDING,
        id="letter",
    )
    doc.addPageTemplates([PageTemplate(id="letter", frames=[frame])])
    story: list[Flowable] = [_header(letter, s, family), Spacer(1, 14)]
    story += _recipients(letter, s)
    story += [Spacer(1, 8), Paragraph(escape(letter.intro), s["body"]), Spacer(1, 6)]
    story += [_accounts_table(letter, s, family), Spacer(1, 8)]
    story += [Paragraph(escape(letter.closing), s["body"]), Paragraph("Trân trọng./.", s["body"])]
    story += [Spacer(1, 12), _signature(s)]
    doc.build(story)
    return out.getvalue()
