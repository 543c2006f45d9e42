"""``{% load bars %}{% bar value mark %}``: a progress bar drawn in SVG.

A bar of `value` percent (0–100) with an optional `mark`, a percent such as the progress
expected by today. The figure is written beside it, so the bar itself is hidden from
screen readers; SVG, so the page needs no inline style. A tag rather than an included
template: a dashboard draws one per unit, hundreds per page, and an include costs a
template render each.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def bar(value, mark=None) -> str:
    width = f"{value:.1f}" if value is not None and value > 0 else "0"
    line = ""
    if mark is not None:
        line = format_html(
            '<line class="expected" x1="{0}" x2="{0}" y1="0" y2="10"/>', f"{mark:.1f}"
        )
    return format_html(
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="{}" height="10"/>{}</svg>',
        width,
        mark_safe(line),  # built by format_html above
    )
