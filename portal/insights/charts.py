"""Bar charts as geometry for the SVG templates (insights/_charts.html): no JavaScript.

Why small templates rather than pygal: the page's Content-Security-Policy forbids inline
styles and scripts, and pygal's SVG carries both (a <style> block and its tooltip script);
two kinds of bar chart are a few dozen lines of arithmetic here and a Jinja macro there,
styled by the site's stylesheet, with the text alternative and data table the page needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil, log10

__all__ = ["Bar", "Chart", "Tick", "horizontal", "nice_ticks", "vertical"]

WIDTH = 640
LABEL_WIDTH = 190  # horizontal charts: category names on the left
VALUE_ROOM = 120  # horizontal charts: the value written after each bar
ROW = 22  # horizontal charts: height of one bar
GAP = 10
PLOT_HEIGHT = 180  # vertical charts
AXIS_ROOM = 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str  # the value as text
    category: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    id: str
    title: str
    summary: str  # one or two sentences: what the chart shows, in words
    kind: str  # "horizontal" | "vertical"
    series: list[str]
    width: int = WIDTH
    height: int = 0
    bars: list[Bar] = field(default_factory=list)
    category_labels: list[Tick] = field(default_factory=list)
    value_ticks: list[Tick] = field(default_factory=list)
    table_id: str = ""  # the table holding the same data


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """Round axis values from 0 to at least `maximum` (0, 5, 10, 15, ...)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** int(log10(raw)) if raw >= 1 else 10 ** (int(log10(raw)) - 1)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(ceil(maximum / step) + 1)]


def _tick_label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def horizontal(
    chart_id: str,
    title: str,
    summary: str,
    categories: list[str],
    series: list[str],
    values: list[list[float | None]],  # values[series][category]
    labels: list[list[str]] | None = None,
) -> Chart:
    """Bars left to right, one row per category (several series: grouped rows)."""
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    top = max((v or 0) for row in values for v in row) if values and categories else 0
    scale = plot / top if top else 0
    group = ROW * len(series) + GAP
    chart = Chart(chart_id, title, summary, "horizontal", series)
    legend = 24 if len(series) > 1 else 0
    for c, category in enumerate(categories):
        y0 = legend + c * group
        chart.category_labels.append(Tick(y0 + ROW * len(series) / 2, category))
        for s in range(len(series)):
            value = values[s][c]
            text = labels[s][c] if labels else _tick_label(value or 0) if value is not None else "—"
            chart.bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y0 + s * ROW,
                    width=max((value or 0) * scale, 0),
                    height=ROW - 4,
                    series=s,
                    label=text,
                    category=category,
                )
            )
    chart.height = legend + max(len(categories), 1) * group
    return chart


def vertical(
    chart_id: str,
    title: str,
    summary: str,
    categories: list[str],
    series: list[str],
    values: list[list[float]],  # values[series][category]
    max_labels: int = 8,
) -> Chart:
    """Bars bottom to top along a time axis; at most `max_labels` category names are written."""
    legend = 24 if len(series) > 1 else 8  # room above the top tick's label
    left, right = 48, 8
    plot_width = WIDTH - left - right
    slot = plot_width / max(len(categories), 1)
    ticks = nice_ticks(max((v for row in values for v in row), default=0))
    scale = PLOT_HEIGHT / ticks[-1] if ticks[-1] else 0
    chart = Chart(chart_id, title, summary, "vertical", series)
    bar_width = max(slot * 0.8 / max(len(series), 1), 1)
    baseline = legend + PLOT_HEIGHT
    every = max(1, ceil(len(categories) / max_labels))
    for c, category in enumerate(categories):
        x0 = left + c * slot + slot * 0.1
        if c % every == 0:
            chart.category_labels.append(Tick(left + c * slot + slot / 2, category))
        for s in range(len(series)):
            height = values[s][c] * scale
            chart.bars.append(
                Bar(
                    x=x0 + s * bar_width,
                    y=baseline - height,
                    width=bar_width,
                    height=height,
                    series=s,
                    label=_tick_label(values[s][c]),
                    category=category,
                )
            )
    chart.value_ticks = [Tick(baseline - t * scale, _tick_label(t)) for t in ticks]
    chart.height = baseline + AXIS_ROOM
    return chart
