"""Server-drawn SVG charts, the data for `reporting/_chart.html`: one labelled bar per
unit, split into coloured parts. No script, no CDN; readable on a phone (each label sits
above its bar) and printable."""

from dataclasses import dataclass, field

LIMIT = 40  # rows drawn; the table below a chart has every unit

GREEN, AMBER, RED, BLUE, GREY = "#2e7d32", "#f9a825", "#c62828", "#1565c0", "#9e9e9e"


@dataclass
class Segment:
    label: str
    value: int
    colour: str
    x: float = 0.0
    width: float = 0.0


@dataclass
class Bar:
    label: str
    href: str
    segments: list[Segment]
    text: str


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    legend: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0


def stacked(title: str, rows: list[tuple[str, str, list[tuple[str, int, str]], str]], legend=None):
    """Each row: (label, link, [(part label, value, colour)], text shown after the bar);
    bars are scaled to the row's own total (shares), rows in the order given."""
    bars = []
    for label, href, parts, text in rows[:LIMIT]:
        total = sum(value for _label, value, _colour in parts) or 1
        at, segments = 0.0, []
        for part_label, value, colour in parts:
            width = 100.0 * value / total
            segments.append(Segment(part_label, value, colour, round(at, 3), round(width, 3)))
            at += width
        bars.append(Bar(label, href, segments, text))
    return Chart(title, bars, legend or [], more=max(len(rows) - LIMIT, 0))


def share(part: int, whole: int) -> list[tuple[str, int, str]]:
    """A done / not done split, for rates."""
    return [("", part, GREEN), ("", max(whole - part, 0), "#e0e0e0")]
