"""Server-rendered SVG charts: no script, nothing inline but SVG attributes, so the CSP stays intact."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 48, 24, 8


def _nice_ceiling(value):
    """The smallest of 1, 2, 5 x 10^n at or above value (an axis top that reads well)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _n(number):
    return f"{number:.2f}"


def bar_chart(points, title, label=str):
    """An SVG bar chart of [(key, value)]: role="img" with a title; the data table beside it is the accessible copy."""
    top = _nice_ceiling(max([value for _, value in points] + [1]))
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(points), 1)
    bar_w = max(slot * 0.8, 0.5)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (_n(LEFT + index * slot), _n(TOP + plot_h - plot_h * value / top), _n(bar_w), _n(plot_h * value / top), label(key), value)
            for index, (key, value) in enumerate(points)
        ),
    )
    ticks = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"/><text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
        ((LEFT, WIDTH, _n(TOP + plot_h * (1 - f)), _n(TOP + plot_h * (1 - f)), LEFT - 4, _n(TOP + plot_h * (1 - f) + 4), int(top * f)) for f in (0, 0.5, 1)),
    )
    edges = ""
    if points:
        edges = format_html(
            '<text x="{}" y="{}" font-size="11">{}</text><text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
            LEFT, HEIGHT - 6, label(points[0][0]), WIDTH, HEIGHT - 6, label(points[-1][0]),
        )
    return format_html(
        '<svg class="readership-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title">{}</title><g class="ticks">{}</g><g class="bars" fill="#417690">{}</g>{}</svg>',
        WIDTH, HEIGHT, title, ticks, bars, mark_safe(edges),
    )
