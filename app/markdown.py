"""The only path from Markdown to HTML: render with Python-Markdown, then sanitise with nh3.

Content is rendered once, when it is imported or saved, and the sanitised HTML is stored; pages
never render Markdown per request and templates mark nothing else as safe.
"""

import markdown as md
import nh3
from markupsafe import Markup

EXTENSIONS = ["extra", "admonition", "sane_lists", "smarty"]
EXTENSION_CONFIGS = {
    # French typography: keep straight quotes as written, only turn -- and ... into dashes/ellipses.
    "smarty": {"smart_quotes": False, "smart_angled_quotes": False},
}

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "em", "strong", "code", "pre", "blockquote", "q", "cite", "abbr", "sup", "sub",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "div", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_CLASSES = {"div": {"admonition", "note", "tip", "important", "retenir"}, "p": {"admonition-title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    """Strip every tag, attribute and URL scheme not on the allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> Markup:
    """Turn Markdown ``text`` into sanitised HTML, safe to insert in a page."""
    html = md.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return Markup(sanitise_html(html))
