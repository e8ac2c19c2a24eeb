"""Server-side SVG charts for monitor tables (`vivera.monitor.tables.Table`).

Hand-written SVG rather than matplotlib or pygal: the charts are simple (lines, bars, stacked
bars), each must render in a few milliseconds, must carry no JavaScript and the very same markup
must render in an HTML page and in a PDF made by WeasyPrint. So only plain SVG 1.1 elements and
presentation attributes are used: no CSS, no <style>, no foreignObject, no script.

Accessibility (WCAG 2.1 AA): the <svg> is role="img", labelled by its <title> and <desc>; the
table below every chart holds the same figures. Series differ by colour (each ≥ 3:1 against
white, WCAG 1.4.11) and also without colour: dash pattern and point shape (lines), hatching
(stacked bars), with a legend when there is more than one series. Every label is escaped: they
come from admin-editable code lists. Cells are drawn from `shown`/`display` only, so a cell that
privacy suppression hid draws nothing and reads "<5".
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from vivera.core.formatting import number

from .tables import Cell, Row, Table, Unit

PALETTE = ("#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#00695c", "#4e342e", "#37474f")
DASHES = ("", "7 3", "2 3", "10 3 2 3", "4 4", "14 4")  # 6 with 8 colours: 24 distinct series
# Point shapes: (outline, filled); 7 of them, so colour × dash × shape repeats after 168 series.
SHAPES = (
    ("circle", True),
    ("square", True),
    ("triangle", True),
    ("diamond", True),
    ("circle", False),
    ("square", False),
    ("triangle", False),
)
# Hatching of stacked bars: white strokes on a 6×6 tile.
HATCHES = (
    "",
    "M0 6L6 0M-1 1L1-1M5 7L7 5",
    "M0 3H6",
    "M0 0L6 6M-1 5L1 7M5-1L7 1",
    "M3 0V6",
    "M0 3H6M3 0V6",
)
TEXT, GRID, AXIS = "#222", "#d0d0d0", "#666"
FONT_SIZE = 12
MARKER_ROWS = 4
CHAR_W = 7.2  # a generous average width of one 12px sans-serif character (DejaVu in PDFs)


@dataclass(frozen=True)
class Marker:
    position: int  # index into table.columns (a month) where a vertical marker line is drawn
    label: str  # e.g. "Impuls 1 (apr 2016)"


def render_svg(
    table: Table, *, title: str, markers: Sequence[Marker] = (), width: int = 640, height: int = 280
) -> SafeString:
    """The chart of `table` as inline SVG, or "" when it has no chart or nothing to draw."""
    draw: dict[str, Callable[..., tuple[list[str], float, str] | None]] = {
        "line": _line,
        "bar": _bar,
        "stacked": _stacked,
    }
    if table.chart not in draw:
        return SafeString("")
    uid = uuid.uuid4().hex[:8]
    drawn = draw[table.chart](table, markers, width, height, uid)
    if drawn is None:
        return SafeString("")
    body, total_height, desc = drawn
    shown = [m for m in markers if 0 <= m.position < _months(table)]
    if table.chart != "bar" and shown:
        desc += " " + _("Vertical lines mark: %(markers)s.") % {
            "markers": "; ".join(m.label for m in shown)
        }
    tid, did = f"chart-{uid}-title", f"chart-{uid}-desc"
    # Every text and attribute value in the markup is escaped or a number.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{tid} {did}" '
        f'viewBox="0 0 {width} {total_height:.0f}" width="100%" font-family="sans-serif" '
        f'font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def nice_scale(low: float, high: float) -> list[float]:
    """Axis ticks from ≤ min(low, 0) to ≥ max(high, 0): 4–6 steps of 1, 2 or 5 × 10^k."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        high = 1.0
    exponent = math.floor(math.log10((high - low) / 6))
    for step in (m * 10.0**k for k in range(exponent, exponent + 3) for m in (1, 2, 5)):
        first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
        if last - first <= 6:
            break
    if last - first < 4:
        if last > 0:
            last = first + 4
        else:
            first = last - 4
    ticks = [round(i * step, 10) for i in range(first, last + 1)]
    # Guard against rounding: the axis must reach the data.
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def format_number(value: float, unit: Unit | None = None) -> str:
    """Dutch: decimal comma, whole numbers without decimals; "%" after a percentage."""
    text = number(value, grouping=False)
    return f"{text}%" if unit == Unit.PERCENT else text


def _months(table: Table) -> int:
    return len(table.columns) - (1 if table.total_column and table.columns else 0)


def _cell(row: Row, column: int) -> Cell:
    return row.cells[column] if column < len(row.cells) else Cell(None)


def _series(table: Table) -> list[Row]:
    return [r for r in table.rows if not r.is_total] or list(table.rows)


def _fit(label: str, width: float) -> str:
    chars = max(int(width / CHAR_W + 1e-6), 2)
    return label if len(label) <= chars else label[: chars - 1] + "…"


def _text(
    x: float, y: float, text: str, anchor: str = "start", cls: str = "", tooltip: str = ""
) -> str:
    klass = f' class="{cls}"' if cls else ""
    tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{tip}{escape(text)}</text>'


def _shape(kind: str, x: float, y: float, r: float = 3.5) -> str:
    if kind == "square":
        return f"M{x - r:.1f} {y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}Z"
    if kind == "triangle":
        return f"M{x:.1f} {y - r * 1.3:.1f}L{x + r * 1.2:.1f} {y + r:.1f}H{x - r * 1.2:.1f}Z"
    if kind == "diamond":
        s = r * 1.35
        return f"M{x:.1f} {y - s:.1f}L{x + s:.1f} {y:.1f}L{x:.1f} {y + s:.1f}L{x - s:.1f} {y:.1f}Z"
    return f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"


def _point(i: int, x: float, y: float, tooltip: str = "") -> str:
    colour, (kind, filled) = PALETTE[i % len(PALETTE)], SHAPES[i % len(SHAPES)]
    tip = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return (
        f'<path class="point" d="{_shape(kind, x, y)}" fill="{colour if filled else "#fff"}"'
        f' stroke="{colour}" stroke-width="1.5">{tip}</path>'
    )


def _legend(
    labels: list[str], swatch: Callable[[int, float, float], str], width: int, top: float
) -> tuple[list[str], float]:
    """Legend items flowed into rows from `top`; returns the parts and the height used."""
    if len(labels) < 2:
        return [], 0.0
    parts, x, y = ['<g class="legend">'], 8.0, top + 14
    for i, label in enumerate(labels):
        text = _fit(label, width - 60)
        item = 34 + len(text) * CHAR_W + 14
        if x > 8 and x + item > width:
            x, y = 8.0, y + 18
        parts += [swatch(i, x, y - 4), _text(x + 34, y, text, tooltip=label)]
        x += item
    return [*parts, "</g>"], y - top + 8


def _y_axis(
    ticks: list[float], unit: Unit, left: float, right: float, y_of: Callable[[float], float]
) -> list[str]:
    parts = ['<g class="y-axis">']
    for t in ticks:
        y = y_of(t)
        colour = AXIS if t == 0 else GRID
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, format_number(t, unit), "end", "tick"))
    return [*parts, "</g>"]


def _time_frame(
    table: Table,
    markers: Sequence[Marker],
    width: int,
    height: int,
    ticks: list[float],
    legend: list[str],
    swatch: Callable[[int, float, float], str],
) -> tuple[list[str], float, Callable[[int], float], Callable[[float], float], float]:
    """Axes, month labels, markers and legend of a chart whose columns are months.

    Returns the parts, the total height, x of a month, y of a value and the width of a month.
    """
    n, unit = _months(table), table.unit_of(0)
    shown = [m for m in markers if 0 <= m.position < n]
    label_w = max(len(c) for c in table.columns[:n]) * CHAR_W + 10
    # Room for the tick labels left, and for half a month label either side.
    left = max(max(len(format_number(t, unit)) for t in ticks) * CHAR_W + 12, label_w / 2)
    rows = min(len(shown), MARKER_ROWS)  # marker labels take turns on a few rows at the top
    right, top, bottom = width - max(12.0, label_w / 2), 12.0 + 15 * rows, height - 30.0
    slot = (right - left) / n

    def x_of(i: int) -> float:
        return left + (i + 0.5) * slot

    def y_of(v: float) -> float:
        return bottom - (v - ticks[0]) / (ticks[-1] - ticks[0]) * (bottom - top)

    parts = _y_axis(ticks, unit, left, right, y_of)
    every = next((k for k in (1, 2, 3, 4, 6, 12, 24, 36, 60, 120) if k * slot >= label_w), n)
    parts.append('<g class="x-axis">')
    for i in range(0, n, every):
        x = x_of(i)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" '
            f'y2="{bottom + 4:.1f}" stroke="{AXIS}"/>'
        )
        parts.append(_text(x, bottom + 18, table.columns[i], "middle", "tick"))
    parts.append("</g>")
    for k, marker in enumerate(shown):
        x, y = x_of(marker.position), 12 + 15 * (k % MARKER_ROWS)
        parts.append(
            f'<line class="marker" x1="{x:.1f}" y1="{y - 10:.1f}" '
            f'x2="{x:.1f}" y2="{bottom:.1f}" stroke="{TEXT}" stroke-width="1" '
            f'stroke-dasharray="4 3"/>'
        )
        anchor, dx = ("start", 4) if x < width / 2 else ("end", -4)
        parts.append(
            _text(x + dx, y, _fit(marker.label, width / 2), anchor, "marker-label", marker.label)
        )
    legend_parts, legend_h = _legend(legend, swatch, width, height)
    return parts + legend_parts, height + legend_h, x_of, y_of, slot


def _line(
    table: Table, markers: Sequence[Marker], width: int, height: int, uid: str
) -> tuple[list[str], float, str] | None:
    series, n = _series(table), _months(table)
    values = [[_cell(r, j).shown for j in range(n)] for r in series]
    flat = [v for vs in values for v in vs if v is not None]
    if not flat:
        return None

    def swatch(i: int, x: float, y: float) -> str:
        return (
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 26:.1f}" y2="{y:.1f}" '
            f"{_stroke(i)}/>" + _point(i, x + 13, y)
        )

    parts, total_h, x_of, y_of, _slot = _time_frame(
        table,
        markers,
        width,
        height,
        nice_scale(min(flat), max(flat)),
        [r.label for r in series],
        swatch,
    )
    for i, (row, vs) in enumerate(zip(series, values, strict=True)):
        points = [(j, v) for j, v in enumerate(vs) if v is not None]
        if not points:
            continue
        d, previous = [], -2
        for j, v in points:
            d.append(f"{'L' if j == previous + 1 else 'M'}{x_of(j):.1f} {y_of(v):.1f}")
            previous = j
        parts.append(
            f'<g class="series"><path class="line" d="{"".join(d)}" fill="none" {_stroke(i)}/>'
        )
        parts += [
            _point(i, x_of(j), y_of(v), f"{row.label}, {table.columns[j]}: {_cell(row, j).display}")
            for j, v in points
        ]
        parts.append("</g>")
    return parts, total_h, _("Line chart; the table below holds the same figures.")


def _stroke(i: int) -> str:
    dash = DASHES[i % len(DASHES)]
    return f'stroke="{PALETTE[i % len(PALETTE)]}" stroke-width="2" stroke-linejoin="round"' + (
        f' stroke-dasharray="{dash}"' if dash else ""
    )


def _stacked(
    table: Table, markers: Sequence[Marker], width: int, height: int, uid: str
) -> tuple[list[str], float, str] | None:
    series, n = _series(table), _months(table)
    values = [[max(_cell(r, j).shown or 0, 0) for j in range(n)] for r in series]
    sums = [sum(vs[j] for vs in values) for j in range(n)]
    if not any(sums):
        return None
    defs = ["<defs>"]
    for i in range(len(series)):
        hatch = HATCHES[i % len(HATCHES)]
        defs.append(
            f'<pattern id="chart-{uid}-p{i}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse"><rect width="6" height="6" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            + (f'<path d="{hatch}" stroke="#fff" stroke-width="1.2"/>' if hatch else "")
            + "</pattern>"
        )
    defs.append("</defs>")

    def swatch(i: int, x: float, y: float) -> str:
        return (
            f'<rect x="{x + 6:.1f}" y="{y - 7:.1f}" width="14" height="14" '
            f'fill="url(#chart-{uid}-p{i})" stroke="{PALETTE[i % len(PALETTE)]}"/>'
        )

    parts, total_h, x_of, y_of, slot = _time_frame(
        table, markers, width, height, nice_scale(0, max(sums)), [r.label for r in series], swatch
    )
    bar_w = max(slot * 0.7, 1.0)
    for i, (row, vs) in enumerate(zip(series, values, strict=True)):
        parts.append('<g class="series">')
        for j, v in enumerate(vs):
            if not v:
                continue
            base = sum(values[k][j] for k in range(i))
            y0, y1 = y_of(base + v), y_of(base)
            parts.append(
                f'<rect class="segment" x="{x_of(j) - bar_w / 2:.1f}" y="{y0:.1f}" '
                f'width="{bar_w:.1f}" height="{y1 - y0:.1f}" '
                f'fill="url(#chart-{uid}-p{i})" stroke="#fff" stroke-width="0.5">'
                f"<title>{escape(row.label)}, {escape(table.columns[j])}: "
                f"{escape(_cell(row, j).display)}</title></rect>"
            )
        parts.append("</g>")
    return defs + parts, total_h, _("Stacked bar chart; the table below holds the same figures.")


def _bar(
    table: Table, markers: Sequence[Marker], width: int, height: int, uid: str
) -> tuple[list[str], float, str] | None:
    """One horizontal bar per row from `table.bar_column`; `height` is ignored: it grows."""
    rows = [r for r in table.rows if not r.is_total]
    cells = [_cell(r, table.bar_column) for r in rows]
    flat = [c.shown for c in cells if c.shown is not None]
    if not flat:
        return None
    unit = table.unit_of(table.bar_column)
    ticks = nice_scale(min(flat), max(flat))
    label_w = min(max(len(r.label) for r in rows) * CHAR_W, width * 0.4)
    value_w = max(max(len(c.display) for c in cells) * CHAR_W + 10, 36)
    # 20 px beside the estimated label width: fonts differ between browsers and WeasyPrint.
    left = label_w + 20 + (value_w if ticks[0] < 0 else 0)
    right, pitch, top = width - value_w, 24, 8
    bottom = top + len(rows) * pitch

    def x_of(v: float) -> float:
        return left + (v - ticks[0]) / (ticks[-1] - ticks[0]) * (right - left)

    parts = ['<g class="x-axis">']
    for t in ticks:
        parts.append(
            f'<line x1="{x_of(t):.1f}" y1="{top:.1f}" x2="{x_of(t):.1f}" '
            f'y2="{bottom:.1f}" stroke="{AXIS if t == 0 else GRID}" stroke-width="1"/>'
        )
        parts.append(_text(x_of(t), bottom + 16, format_number(t, unit), "middle", "tick"))
    parts.append("</g>")
    for k, (row, cell) in enumerate(zip(rows, cells, strict=True)):
        y = top + k * pitch + 4
        parts.append(
            _text(label_w + 12, y + 12, _fit(row.label, label_w), "end", "label", row.label)
        )
        v, x0 = cell.shown, x_of(0)
        if v is None or v == 0:
            parts.append(_text(x0 + 4, y + 12, cell.display, "start", "value"))
            continue
        xv = x_of(v)
        parts.append(
            f'<rect class="bar" x="{min(x0, xv):.1f}" y="{y:.1f}" '
            f'width="{abs(xv - x0):.1f}" height="16" fill="{PALETTE[0]}">'
            f"<title>{escape(row.label)}: {escape(cell.display)}</title></rect>"
        )
        anchor, dx = ("start", 4) if v > 0 else ("end", -4)
        parts.append(_text(xv + dx, y + 12, cell.display, anchor, "value"))
    return parts, bottom + 26, _("Bar chart; the table below holds the same figures.")
