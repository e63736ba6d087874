"""Flask's signed-cookie session, without its per-request rebuilding and re-verifying.

Flask builds a new serializer (and its HMAC signer) for every request and verifies the cookie's
signature every time. Here the serializer is built once per secret key, and a cookie whose
signature was verified is remembered (by its exact value, in a bounded per-process map) with what
it holds and when it was signed, so that the next request with the same cookie skips the HMAC,
the inflate and the JSON decoding. Only the exact bytes a verification accepted are remembered,
the age limit is checked again on every hit, and each request gets its own copy of the data.
The cookie is written back, as by Flask, only when the session changed.
"""

import copy
import time

from flask import Flask
from flask import Request
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from app.page_cache import PageCache


class CachedCookieSessionInterface(SecureCookieSessionInterface):
    """Signed cookies as Flask's, with the serializer built once and verified cookies remembered."""

    def __init__(self, max_entries: int = 10_000):
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._verified = PageCache(max_entries)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the serializer of the app's current keys, built on first use."""
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the request's session: remembered if this exact cookie was verified before."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        # The serializer is part of the key: a cookie verified under keys since rotated is not trusted.
        remembered = self._verified.get((id(serializer), value))
        if remembered is not None:
            data, signed_at = remembered
            if time.time() - signed_at <= max_age:
                return self.session_class(_copy(data))
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        self._verified.put((id(serializer), value), (data, signed.timestamp()))
        return self.session_class(_copy(data))


def _copy(data: dict) -> dict:
    """Return a copy safe to change: nested lists and dicts (flash messages) copied too."""
    return {key: copy.deepcopy(value) if isinstance(value, (dict, list)) else value for key, value in data.items()}
