"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable by screen readers.

Each chart has a title and description for assistive technology, a <title> per bar segment
(a tooltip on hover), and the page always shows the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dashboards.figures import Figures
from reporting.models import Status

# The same hues as the status badges in app.css; patterns are not needed: the table carries the numbers.
STATUS_COLOURS: dict[str, str] = {
    Status.NOT_REPORTED: "#c4c8cc",
    Status.NOT_STARTED: "#d9822b",
    Status.PLANNED: "#e6c35c",
    Status.IN_PROGRESS: "#3f8fd2",
    Status.COMPLETED: "#1d6b3a",
    Status.ONGOING: "#6a4bb0",
    Status.NOT_APPLICABLE: "#8a9199",
}
LABEL_WIDTH = 150
BAR_WIDTH = 460
ROW_HEIGHT = 26


def status_bars(rows: Sequence[tuple[str, Figures]], *, chart_id: str, title: str) -> SafeString:
    """One horizontal bar per row, split by status in proportion to the counts."""
    height = ROW_HEIGHT * len(rows) + 8
    bars = []
    for index, (label, figures) in enumerate(rows):
        y = 4 + index * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        segments = []
        for code, status_label, count in figures.ordered_counts():
            if not count or not figures.total:
                continue
            width = BAR_WIDTH * count / figures.total
            segments.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} {}</title></rect>',
                    f"{x:.1f}",  # format_html escapes its arguments first, so numbers arrive formatted
                    y,
                    f"{width:.1f}",
                    ROW_HEIGHT - 8,
                    STATUS_COLOURS[code],
                    label,
                    count,
                    status_label,
                )
            )
            x += width
        bars.append(
            format_html(
                '<g><text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>{}'
                '<text x="{}" y="{}" class="chart-value">{}</text></g>',
                LABEL_WIDTH - 8,
                y + ROW_HEIGHT / 2,
                label,
                SafeString("".join(segments)),
                LABEL_WIDTH + BAR_WIDTH + 6,
                y + ROW_HEIGHT / 2,
                _("%(percent)s%% done") % {"percent": figures.completion} if figures.completion is not None else "",
            )
        )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        LABEL_WIDTH + BAR_WIDTH + 80,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        _("Share of implementations in each status; the table that follows gives the numbers."),
        SafeString("".join(bars)),
    )


def legend() -> SafeString:
    return format_html(
        '<ul class="legend">{}</ul>',
        format_html_join(
            "",
            '<li><span class="swatch swatch-{}" aria-hidden="true"></span>{}</li>',
            ((code, label) for code, label in Status.choices),
        ),
    )
