"""The SVG charts: what a reader (seeing or with a screen reader) relies on."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

from vivera.monitor.charts import Marker, format_number, nice_scale, render_svg
from vivera.monitor.tables import Cell, Row, Table, Unit

NS = "{http://www.w3.org/2000/svg}"
MONTHS = ["jan 2016", "feb 2016", "mrt 2016", "apr 2016", "mei 2016", "jun 2016"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def texts(root: ET.Element, cls: str = "") -> list[str]:
    found = by_class(root, cls) if cls else list(root.iter(f"{NS}text"))
    return [
        "".join(e.itertext()) if e.find(f"{NS}title") is None else (e.find(f"{NS}title").tail or "")
        for e in found
    ]


def suppressed(limit: int = 5) -> Cell:
    return Cell(3, basis=3, suppressed=True, limit=limit, primary=True)


def line_table(*rows: Row) -> Table:
    return Table(list(MONTHS), list(rows), Unit.COUNT)


def row(label: str, values: list[int | float | None], **kwargs: object) -> Row:
    return Row(label, [Cell(v) for v in values], **kwargs)  # type: ignore[arg-type]


def point_x(point: ET.Element) -> float:
    return float(point.get("d", "").split()[0][1:]) + 3.5  # circles start at x - r


def y_max(root: ET.Element) -> float:
    return max(
        float(t.replace(",", ".").rstrip("%")) for t in texts(root, "tick") if "2016" not in t
    )


def test_line_chart_draws_one_line_per_series_and_skips_totals():
    table = line_table(
        row("Team Noord", [5, 6, 7, 8, 9, 10]),
        row("Team Zuid", [1, 2, 3, 4, 5, 6]),
        row("Totaal", [6, 8, 10, 12, 14, 16], is_total=True),
    )
    root = parse(render_svg(table, title="Instroom"))
    assert len(by_class(root, "line")) == 2
    assert len(by_class(root, "point")) == 12 + 2  # plus the two legend swatches
    legend = texts(by_class(root, "legend")[0])
    assert legend == ["Team Noord", "Team Zuid"]


def test_total_row_is_drawn_when_it_is_the_only_row():
    root = parse(
        render_svg(line_table(row("Totaal", [1, 2, 3, 4, 5, 6], is_total=True)), title="Instroom")
    )
    assert len(by_class(root, "line")) == 1
    assert not by_class(root, "legend")  # one series needs no legend


def test_suppressed_cell_breaks_the_line_and_draws_no_point():
    cells = [Cell(10), Cell(12), suppressed(), Cell(9), Cell(11), Cell(None)]
    root = parse(render_svg(line_table(Row("Team Noord", cells)), title="Instroom"))
    (line,) = by_class(root, "line")
    d = line.get("d", "")
    assert d.count("M") == 2  # a second stretch starts after the gap
    assert d.count("L") == 2  # jan→feb and apr→mei; nothing to or from mrt or jun
    points = by_class(root, "point")
    assert len(points) == 4
    tooltips = [p.find(f"{NS}title").text for p in points]
    assert not any("mrt 2016" in t or "jun 2016" in t for t in tooltips)


def test_series_differ_without_colour():
    table = line_table(*(row(f"Team {i}", [i, i + 1, i + 2, i, i, i]) for i in range(6)))
    root = parse(render_svg(table, title="Instroom"))
    lines = by_class(root, "line")
    assert len({line.get("stroke-dasharray", "") for line in lines}) == 6
    shapes = {
        ("".join(c for c in p.get("d", "") if c.isalpha()), p.get("fill") == "#fff")
        for p in by_class(root, "point")
    }
    assert len(shapes) >= 6


def test_marker_line_is_at_its_column():
    table = line_table(row("Team Noord", [5, 6, 7, 8, 9, 10]))
    root = parse(
        render_svg(
            table,
            title="Instroom",
            markers=[Marker(3, "Impuls 1 (apr 2016)"), Marker(40, "Buiten")],
        )
    )
    (marker,) = by_class(root, "marker")
    april = by_class(root, "point")[3]
    assert abs(float(marker.get("x1", "")) - point_x(april)) < 0.2
    assert marker.get("x1") == marker.get("x2")
    assert marker.get("stroke-dasharray")
    assert texts(root, "marker-label") == ["Impuls 1 (apr 2016)"]
    assert "Impuls 1 (apr 2016)" in root.find(f"{NS}desc").text


def test_y_axis_reaches_the_largest_value_in_nice_steps():
    table = line_table(row("Team Noord", [5, 61, 7, 8, 9, 103]))
    root = parse(render_svg(table, title="Instroom"))
    assert y_max(root) >= 103
    ticks = nice_scale(0, 103)
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and 4 <= len(ticks) - 1 <= 6
    step = steps.pop()
    assert round(step / 10 ** math.floor(math.log10(step)), 9) in (1, 2, 5)
    for high in (0.3, 0.7, 1, 2.5, 7, 9.99, 10, 11, 99, 1234, 0.04):
        scale = nice_scale(0, high)
        assert scale[0] == 0 and scale[-1] >= high and 4 <= len(scale) - 1 <= 6


def test_negative_values_get_an_axis_below_zero():
    ticks = nice_scale(-0.8, 1.6)
    assert ticks[0] <= -0.8 and ticks[-1] >= 1.6 and 0 in ticks


def test_numbers_are_dutch():
    assert format_number(2.5) == "2,5"
    assert format_number(20.0) == "20"
    assert format_number(0.30000000000000004) == "0,3"
    assert format_number(-0.0) == "0"
    assert format_number(25, Unit.PERCENT) == "25%"


def test_month_labels_do_not_overlap():
    months = [
        f"{m} {y}"
        for y in (2016, 2017)
        for m in (
            "jan",
            "feb",
            "mrt",
            "apr",
            "mei",
            "jun",
            "jul",
            "aug",
            "sep",
            "okt",
            "nov",
            "dec",
        )
    ]
    table = Table(months, [row("Team Noord", list(range(24)))], Unit.COUNT)
    root = parse(render_svg(table, title="Instroom"))
    labels = [e for e in by_class(root, "tick") if "20" in "".join(e.itertext())[-4:]]
    assert 2 <= len(labels) < 24
    xs = [float(e.get("x", "")) for e in labels]
    widths = [len("".join(e.itertext())) * 7.2 for e in labels]
    assert all(b - a >= w for a, b, w in zip(xs, xs[1:], widths, strict=False))


def test_bar_chart_shows_suppressed_value_without_a_bar():
    table = Table(
        ["Aantal"],
        [
            Row("Wijk A", [Cell(40)]),
            Row("Wijk B", [suppressed()]),
            Row("Wijk C", [Cell(12)]),
            Row("Totaal", [Cell(55)], is_total=True),
        ],
        Unit.COUNT,
        chart="bar",
    )
    root = parse(render_svg(table, title="Vragen per wijk"))
    bars = by_class(root, "bar")
    assert len(bars) == 2
    assert [b.find(f"{NS}title").text for b in bars] == ["Wijk A: 40", "Wijk C: 12"]
    assert texts(root, "value") == ["40", "<5", "12"]
    assert texts(root, "label") == ["Wijk A", "Wijk B", "Wijk C"]
    assert float(bars[0].get("width", "")) > float(bars[1].get("width", "")) > 0


def test_bar_chart_grows_with_its_rows():
    def height(n: int) -> float:
        table = Table(
            ["Aantal"], [Row(f"Wijk {i}", [Cell(i + 5)]) for i in range(n)], Unit.COUNT, chart="bar"
        )
        return float(parse(render_svg(table, title="t")).get("viewBox", "").split()[3])

    assert height(30) > height(3) + 27 * 20


def test_bar_chart_draws_its_bar_column():
    table = Table(
        ["Balie", "Telefoon", "Totaal"],
        [Row("Wijk A", [Cell(5), Cell(6), Cell(11)])],
        Unit.COUNT,
        chart="bar",
        total_column=True,
        bar_column=2,
    )
    assert texts(parse(render_svg(table, title="t")), "value") == ["11"]


def test_stacked_chart_skips_totals_and_suppressed_cells():
    table = Table(
        ["K1 2016", "K2 2016", "Totaal"],
        [
            Row("Algemeen", [Cell(10), Cell(20), Cell(30)]),
            Row("Maatwerk", [suppressed(), Cell(8), Cell(11)]),
            Row("Totaal", [Cell(13), Cell(28), Cell(41)], is_total=True),
        ],
        Unit.COUNT,
        chart="stacked",
        total_column=True,
    )
    root = parse(render_svg(table, title="Uitkomsten"))
    segments = by_class(root, "segment")
    assert len(segments) == 3
    assert all("Totaal" not in s.find(f"{NS}title").text for s in segments)
    assert len(root.findall(f".//{NS}pattern")) == 2  # hatching tells series apart
    assert texts(by_class(root, "legend")[0]) == ["Algemeen", "Maatwerk"]
    assert y_max(root) >= 28
    ids = {p.get("id") for p in root.iter(f"{NS}pattern")}
    assert {s.get("fill", "")[5:-1] for s in segments} <= ids


def test_labels_are_escaped():
    evil = '<script>alert("x")</script>'
    table = line_table(row(evil, [1, 2, 3, 4, 5, 6]), row("b & c", [2, 3, 4, 5, 6, 7]))
    svg = render_svg(table, title=evil, markers=[Marker(1, evil)])
    assert "<script" not in svg
    root = parse(svg)  # well-formed despite the markup in labels
    assert root.find(f"{NS}title").text == evil
    assert evil in texts(root)
    assert "b & c" in texts(root)
    bar = Table(["n"], [Row(evil, [Cell(9)])], Unit.COUNT, chart="bar")
    assert "<script" not in render_svg(bar, title="t")


def test_accessible_name_and_description():
    svg = render_svg(line_table(row("Team Noord", [5, 6, 7, 8, 9, 10])), title="Instroom")
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox")
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    labelled_by = root.get("aria-labelledby", "").split()
    assert len(labelled_by) == 2
    title, desc = (ids[i] for i in labelled_by)
    assert title.tag == f"{NS}title" and title.text == "Instroom"
    assert desc.tag == f"{NS}desc" and desc.text
    assert "<script" not in svg and "foreignObject" not in svg and "<style" not in svg


def test_two_charts_have_different_ids():
    table = Table(["K1", "K2"], [row("A", [1, 2]), row("B", [3, 4])], Unit.COUNT, chart="stacked")
    first, second = (parse(render_svg(table, title="t")) for _ in range(2))
    ids = [{e.get("id") for e in root.iter() if e.get("id")} for root in (first, second)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]


def test_nothing_to_draw_gives_empty_string():
    assert render_svg(line_table(), title="t") == ""
    assert render_svg(line_table(row("A", [None] * 6)), title="t") == ""
    assert render_svg(line_table(Row("A", [suppressed()] * 6)), title="t") == ""
    table_only = line_table(row("A", [1, 2, 3, 4, 5, 6]))
    table_only.chart = ""
    assert render_svg(table_only, title="t") == ""
    bar = Table(["n"], [Row("A", [suppressed()])], Unit.COUNT, chart="bar")
    assert render_svg(bar, title="t") == ""
    stacked = Table(["K1"], [row("A", [0])], Unit.COUNT, chart="stacked")
    assert render_svg(stacked, title="t") == ""


def test_large_line_chart_renders():
    months = [f"m {i}" for i in range(24)]
    rows = [row(f"Domein {i}", [(i * 7 + j * 3) % 40 + 0.5 for j in range(24)]) for i in range(13)]
    root = parse(
        render_svg(
            Table(months, rows, Unit.PERCENT),
            title="Domeinen",
            markers=[Marker(3, "Impuls 1"), Marker(15, "Impuls 2")],
        )
    )
    assert len(by_class(root, "line")) == 13
    assert len(texts(by_class(root, "legend")[0])) == 13
