"""The only path from Markdown to HTML: render with Python-Markdown, then sanitise with nh3.

Content is rendered once, when it is imported or saved, and the sanitised HTML is stored; pages
never render Markdown per request and templates mark nothing else as safe.
"""

import functools
import re

import markdown as md
import nh3
from flask_babel import get_locale
from markupsafe import Markup
from markupsafe import escape

from app.markdown_guard import GuardExtension
from app.markdown_guard import MarkdownRefused
from app.markdown_guard import precheck
from app.typography import FrenchSpacingExtension

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
    # A glossary entry's anchor (``### RPA {#terme-rpa}``), so that readings can link to it.
    "h3": {"id"},
}
#: The only ids content may carry: ``terme-`` then a slug. No page id starts so, so content can
#: neither repeat one of the page's ids nor stand in for one (a form's field, a skip link's target).
TERM_ID = re.compile(r"terme-[a-z0-9]+(?:-[a-z0-9]+)*")
ALLOWED_CLASSES = {"div": {"admonition", "note", "tip", "important", "retenir"}, "p": {"admonition-title"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: Previews kept per process (readings are a few dozen kilobytes at most).
PREVIEWS_KEPT = 64


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
        attribute_filter=_keep_term_ids,
    )


def _keep_term_ids(tag: str, attribute: str, value: str) -> str | None:
    """Keep every allowed attribute, except an ``id`` that is not a glossary term's."""
    if attribute == "id" and not TERM_ID.fullmatch(value):
        return None
    return value


def render_markdown(text: str) -> Markup:
    """Turn Markdown ``text`` into sanitised HTML, safe to insert in a page.

    :raise MarkdownRefused: the text is too long, nested too deep or too costly to render
        (see :mod:`app.markdown_guard`); ``str(error)`` is the message for the author.
    """
    problem = precheck(text)
    if problem:
        raise MarkdownRefused(problem)
    extensions = [*EXTENSIONS, GuardExtension(), FrenchSpacingExtension()]  # new instances: one budget per render; guard last
    html = md.markdown(text, extensions=extensions, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return Markup(sanitise_html(html))


def markdown_problem(text: str) -> str | None:
    """Why ``text`` cannot be rendered (the message for its author), or ``None`` if it can."""
    try:
        render_markdown(text)
    except MarkdownRefused as refused:
        return str(refused)
    return None


def render_preview(text: str) -> Markup:
    """Render ``text`` for an author's preview: a refused text shows why, in place of the preview.

    The editor shows the preview on every view of the page: the last texts previewed are kept
    (rendering is a function of the text and, for a refusal, of the language it is told in).
    """
    return _preview(text, str(get_locale()))


@functools.lru_cache(maxsize=PREVIEWS_KEPT)
def _preview(text: str, locale: str) -> Markup:
    try:
        return render_markdown(text)
    except MarkdownRefused as refused:
        return Markup('<p class="flash flash-error" role="alert">%s</p>') % escape(str(refused))
