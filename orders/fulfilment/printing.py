"""PDF pick lists and packing slips (reportlab; DESIGN §10).

Chinese text needs no system font: reportlab's built-in CID font `STSong-Light` covers Chinese
and Latin text. Labels are translated in the active language; the data (titles, addresses) is
printed as it was ordered.

    pick_list_pdf(shop=, rows=selectors.pick_list(orders), orders=orders, printed_at=now)
    packing_slips_pdf(shop=, orders=orders, printed_at=now)   # bytes; one order per page

`orders` are the shop's `Order`s with their lines prefetched
(`selectors.list_orders_by_number`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orders.fulfilment.selectors import PickRow
from orders.models import Order

FONT = "STSong-Light"
GRID = colors.HexColor("#9aa5b1")
HEAD = colors.HexColor("#eef2f6")


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles() -> dict[str, ParagraphStyle]:
    _register_font()
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=16, leading=20, spaceAfter=4),
        "text": ParagraphStyle("text", fontName=FONT, fontSize=10, leading=14),
        "small": ParagraphStyle(
            "small", fontName=FONT, fontSize=8, leading=11, textColor=colors.HexColor("#52606d")
        ),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12),
        "head": ParagraphStyle("head", fontName=FONT, fontSize=9, leading=12),
        "big": ParagraphStyle("big", fontName=FONT, fontSize=13, leading=17),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def when(moment: datetime | None) -> str:
    """A moment as people read it here: local time, the active language's short format."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _table(rows, widths, *, number_columns=()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for column in number_columns:
        style.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _document(buffer, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )


def pick_list_pdf(
    *, shop, rows: Sequence[PickRow], orders: Sequence[Order], printed_at: datetime
) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    title = _("Pick list")
    units = sum(row.quantity for row in rows)
    story = [
        _p(f"{title} · {shop.name}", styles["title"]),
        _p(
            ngettext("%(orders)d order", "%(orders)d orders", len(orders)) % {"orders": len(orders)}
            + " · "
            + ngettext("%(units)d unit", "%(units)d units", units) % {"units": units}
            + " · "
            + _("printed %(time)s") % {"time": when(printed_at)},
            styles["small"],
        ),
        Spacer(1, 6 * mm),
    ]
    table = [
        [
            _p("", styles["head"]),
            _p(_("SKU"), styles["head"]),
            _p(_("Item"), styles["head"]),
            _p(_("Qty"), styles["head"]),
            _p(_("Orders"), styles["head"]),
        ]
    ]
    for row in rows:
        item = row.title + (f" · {row.options}" if row.options else "")
        table.append(
            [
                "",
                _p(row.sku_code, styles["cell"]),
                _p(item, styles["cell"]),
                _p(str(row.quantity), styles["big"]),
                _p(", ".join(row.orders), styles["small"]),
            ]
        )
    widths = [8 * mm, 32 * mm, 75 * mm, 15 * mm, 50 * mm]
    story.append(_table(table, widths, number_columns=(3,)))
    _document(buffer, title).build(story)
    return buffer.getvalue()


def packing_slips_pdf(*, shop, orders: Sequence[Order], printed_at: datetime) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    title = _("Packing slips")
    story: list = []
    for index, order in enumerate(orders):
        if index:
            story.append(PageBreak())
        story.extend(_slip(shop, order, printed_at, styles))
    _document(buffer, title).build(story)
    return buffer.getvalue()


def _slip(shop, order: Order, printed_at: datetime, styles) -> list:
    head = Table(
        [
            [
                [_p(shop.name, styles["big"]), _p(shop.service_phone or "", styles["small"])],
                [
                    _p(_("Packing slip"), styles["small"]),
                    _p(order.number, styles["big"]),
                    _p(when(order.created_at), styles["small"]),
                ],
            ]
        ],
        colWidths=[110 * mm, 70 * mm],
    )
    head.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")])
    )
    address = f"{order.recipient} · {order.phone}\n{order.address_line()}"
    if order.postcode:
        address += f" · {order.postcode}"
    story = [
        head,
        Spacer(1, 5 * mm),
        _p(_("Ship to"), styles["small"]),
        _p(address, styles["text"]),
    ]
    if order.carrier_name:
        carrier = _("Carrier chosen by the buyer: %(carrier)s") % {"carrier": order.carrier_name}
        if order.insured:
            carrier += " · " + _("insured")
        story.append(_p(carrier, styles["small"]))
    story.append(Spacer(1, 5 * mm))
    table = [
        [
            _p("", styles["head"]),
            _p(_("SKU"), styles["head"]),
            _p(_("Item"), styles["head"]),
            _p(_("Ordered"), styles["head"]),
            _p(_("To pack"), styles["head"]),
        ]
    ]
    for line in order.lines.all():
        item = line.title + (f" · {line.options}" if line.options else "")
        table.append(
            [
                "",
                _p(line.sku_code, styles["cell"]),
                _p(item, styles["cell"]),
                _p(str(line.quantity), styles["cell"]),
                _p(str(line.quantity_to_ship), styles["big"]),
            ]
        )
    story.append(_table(table, [8 * mm, 35 * mm, 95 * mm, 20 * mm, 22 * mm], number_columns=(3, 4)))
    if order.note:
        story.extend(
            [
                Spacer(1, 4 * mm),
                _p(_("Buyer's note: %(note)s") % {"note": order.note}, styles["text"]),
            ]
        )
    story.extend(
        [
            Spacer(1, 6 * mm),
            _p(
                _("Printed %(time)s") % {"time": when(printed_at)},
                styles["small"],
            ),
        ]
    )
    return story
