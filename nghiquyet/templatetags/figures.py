"""``{% load figures %}{% figures_cache stamp "name" vary… %}…{% endfigures_cache %}``: a
part of a page rendered once per computation of the figures it shows.

`figures_cached` gives every computation it stores a fresh stamp. Keyed by that stamp,
the per-unit tables of a roll-up (hundreds of rows, most of a page's rendering time) are
drawn once per interval and served to everyone who may see the unit, and always match the
totals beside them: a new computation has a new stamp, so rows of an older one are never
shown with it. Figures computed for one request carry no stamp and are rendered as usual.
Whatever depends on who asks goes into `vary`.
"""

import logging

from django import template
from django.conf import settings
from django.core.cache import cache

register = template.Library()
logger = logging.getLogger(__name__)


class FiguresCacheNode(template.Node):
    def __init__(self, nodelist, stamp, name, vary):
        self.nodelist, self.stamp, self.name, self.vary = nodelist, stamp, name, vary

    def render(self, context) -> str:
        stamp = self.stamp.resolve(context)
        if not stamp:
            return self.nodelist.render(context)
        vary = ":".join(str(v.resolve(context)) for v in self.vary)
        key = f"figures-html:{self.name.resolve(context)}:{stamp}:{vary}"
        try:
            html = cache.get(key)
        except Exception:  # a cache outage costs speed, never the page
            logger.warning("figures fragment unreadable", exc_info=True)
            html = None
        if html is None:
            html = self.nodelist.render(context)
            try:
                cache.set(key, html, settings.FIGURES_CACHE_SECONDS)
            except Exception:
                logger.warning("figures fragment not written", exc_info=True)
        return html


@register.tag
def figures_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a stamp and a name")
    nodelist = parser.parse(("endfigures_cache",))
    parser.delete_first_token()
    stamp, name, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return FiguresCacheNode(nodelist, stamp, name, vary)
