"""Charts drawn on the server as SVG geometry: pure arithmetic, the templates draw the shapes.

Series are told apart by line style and marker as well as colour, and every chart has its
table beside it, so nothing depends on seeing colour."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 24


@dataclass
class Line:
    name: str
    style: str  # css class: solid, dashed, dotted
    points: str  # the polyline's "x,y x,y ..."
    marks: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Chart:
    title: str
    lines: list[Line]
    ticks: list[tuple[float, int]]  # (y, value) of the horizontal grid lines
    labels: list[tuple[float, str]]  # (x, text) under the axis
    width: int = WIDTH
    height: int = HEIGHT
    summary: str = ""  # what a screen reader says for the picture
    columns: list[str] = field(default_factory=list)  # the table beside it: one per line
    rows: list[tuple[Any, list[int]]] = field(default_factory=list)  # (day, values)
    step: str = "Day"  # what each row of the table is: a day, a week

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def plot_left(self) -> int:
        return LEFT


def _nice_max(value: int) -> int:
    """The smallest of 1, 2, 5 x 10^n at or above `value` (at least 1)."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


# a dash pattern each for up to six lines (five request types and "Others")
STYLES = ("solid", "dashed", "dotted", "dashdot", "long", "dashdotdot")


def line_chart(
    title: str,
    days: list[dict[str, Any]],
    series: list[tuple[str, str, str]],
    *,
    step: str = "day",
) -> Chart:
    """One line per (key, name, style) over the days (or weeks: `step`, each row's "day" its
    first day); the y axis starts at zero."""
    top = _nice_max(max([1, *(int(d[k]) for d in days for k, _n, _s in series)]))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = len(days)

    def x(i: int) -> float:
        return round(LEFT + (plot_w * (i + 0.5) / n if n else 0), 1)

    def y(v: float) -> float:
        return round(TOP + plot_h * (1 - v / top), 1)

    lines = []
    for key, name, style in series:
        coords = [(x(i), y(float(d[key]))) for i, d in enumerate(days)]
        lines.append(
            Line(
                name=name,
                style=style,
                points=" ".join(f"{a},{b}" for a, b in coords),
                marks=coords if n <= 45 else [],
            )
        )
    every = max(1, n // 6)
    labels = [(x(i), d["day"].strftime("%-d %b")) for i, d in enumerate(days) if i % every == 0]
    values = (0, top // 2, top) if top % 2 == 0 else (0, top)  # even steps only
    ticks = [(y(v), v) for v in values]
    totals = ", ".join(f"{name}: {sum(int(d[k]) for d in days)}" for k, name, _s in series)
    return Chart(
        title=title,
        lines=lines,
        ticks=ticks,
        labels=labels,
        summary=f"{title}, {n} {step}s. Totals: {totals}. The table beside it holds each {step}.",
        columns=[name for _k, name, _s in series],
        rows=[(d["day"], [int(d[k]) for k, _n, _s in series]) for d in days],
        step="Week of" if step == "week" else step.capitalize(),
    )


def weekly_chart(title: str, weeks: list[Any], series: list[tuple[str, list[int]]]) -> Chart:
    """One line per (name, counts per week), each with its own dash pattern (up to six)."""
    rows = [{"day": w, **{f"s{i}": c[j] for i, (_n, c) in enumerate(series)}}
            for j, w in enumerate(weeks)]  # fmt: skip
    lines = [(f"s{i}", name, STYLES[i % len(STYLES)]) for i, (name, _c) in enumerate(series)]
    return line_chart(title, rows, lines, step="week")
