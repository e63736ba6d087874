"""A per-process cache of rendered pages, with the CSRF token punched back in on every request.

Only pages whose every input is in the key may be cached: the caller passes what the page shows
(content revision, learner state), and the cache adds the locale and the user's roles. A request
with a query string or pending flash messages is always rendered afresh.
"""

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from flask import current_app
from flask import g
from flask import request
from flask import session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

#: Stands for the request's CSRF token inside cached HTML.
CSRF_HOLE = "\x00csrf-token\x00"


class PageCache:
    """A bounded least-recently-used map from keys to HTML."""

    def __init__(self, max_entries: int = 1024):
        self.max_entries = max_entries
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple) -> str | None:
        """Return the HTML stored under ``key``, if any."""
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> None:
        """Store ``html`` under ``key``, dropping the least recently used page if full."""
        with self._lock:
            self._pages[key] = html
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()


def _cache() -> PageCache:
    """Return this application's page cache (one per app, so test apps never share pages)."""
    return current_app.extensions.setdefault("page_cache", PageCache())


def _csrf_token() -> str:
    """Return the request's signed CSRF token, signing each session's token once per process.

    Tokens do not expire here (``WTF_CSRF_TIME_LIMIT`` is None), so any signature of the session's
    raw token is valid; reusing one saves the signing work on every cached page view.
    """
    raw = session.get("csrf_token")
    if raw is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    signed_tokens = current_app.extensions.setdefault("signed_csrf_tokens", PageCache(max_entries=10_000))
    signed = signed_tokens.get((raw,))
    if signed is None:
        signed = generate_csrf()
        signed_tokens.put((raw,), signed)
    else:
        g.csrf_token = signed  # where Flask-WTF keeps the request's token, so forms reuse it
    return signed


def _is_cacheable_request() -> bool:
    return request.method == "GET" and not request.query_string and "_flashes" not in session


def serve_cached(key: tuple, render: Callable[[], str], fresh: tuple[str, ...] = ()) -> str:
    """Return the page for ``key``, rendering it only when no fresh copy is cached.

    :param key: everything the page depends on besides locale, roles and the CSRF token.
    :param render: renders the page (called on a miss or for requests that cannot be cached).
    :param fresh: values this rendering must not share with another (an attempt's token): the
        render shows them, the cached copy keeps a hole in their place, and a request served from
        the cache shows its own values there.
    """
    if not _is_cacheable_request():
        return render()
    token = _csrf_token()
    full_key = (request.endpoint, str(get_locale()), current_user.roles, *key)
    cache = _cache()
    html = cache.get(full_key)
    if html is None:
        html = render()
        stored = html.replace(token, CSRF_HOLE)
        for number, value in enumerate(fresh):
            stored = stored.replace(value, _fresh_hole(number))
        cache.put(full_key, stored)
        return html
    for number, value in enumerate(fresh):
        html = html.replace(_fresh_hole(number), value)
    return html.replace(CSRF_HOLE, token)


def _fresh_hole(number: int) -> str:
    return f"\x00fresh-{number}\x00"


def cached_fragment(key: tuple, render: Callable[[], str]) -> Markup:
    """Return a part of a page shared by every user (no personal data, no token in it), rendered
    once per process for ``key`` and the locale."""
    cache = current_app.extensions.setdefault("fragment_cache", PageCache())
    full_key = (str(get_locale()), *key)
    html = cache.get(full_key)
    if html is None:
        html = render()
        cache.put(full_key, html)
    return Markup(html)
