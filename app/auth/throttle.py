"""Sign-in rate limiting, with the ``limits`` library (the engine under Flask-Limiter).

It is applied in the sign-in view only, so the other pages pay nothing for it. Counters live in
``RATELIMIT_STORAGE_URI``: ``memory://`` for one process, ``redis://...`` for several instances.
"""

from flask import current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class LoginThrottle:
    """Counts sign-in attempts per client address against the configured limits."""

    def __init__(self, storage_uri: str, rules: str):
        self.strategy = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.limits = parse_many(rules)

    def allow(self, client: str) -> bool:
        """Count one attempt from ``client``; tell whether it is within every limit."""
        # Every limit counts the attempt, even when an earlier one already refused it.
        results = [self.strategy.hit(limit, "login", client) for limit in self.limits]
        return all(results)


def allow_login_attempt(client: str) -> bool:
    """Tell whether ``client`` may try to sign in now (always true when limiting is off)."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return True
    throttle = current_app.extensions.get("login_throttle")
    if throttle is None:
        throttle = LoginThrottle(config["RATELIMIT_STORAGE_URI"], config["LOGIN_RATE_LIMIT"])
        current_app.extensions["login_throttle"] = throttle
    return throttle.allow(client)
