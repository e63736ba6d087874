"""The sign-in limit: failed sign-ins counted per client address and per account, in the database.

The database is what every gunicorn worker and every instance of every documented deployment
shares, so the limit holds across all of them with nothing else to run (no Redis). An attempt is
recorded before its password is checked and counted with every other attempt in the window,
then deleted if it succeeds: only failures stay counted, and the limits (``limits`` syntax,
e.g. ``"10 per minute;50 per hour"``) are moving windows.

Why record first: each request commits its own row and then counts the committed rows, so of N
attempts racing from many workers the k-th to commit sees at least k rows; no more than the limit
can pass, whatever the interleaving (a count-then-insert would let them all through).
"""

from datetime import timedelta

from flask import current_app
from limits import parse_many
from sqlalchemy import and_
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select

from app.auth.models import LoginAttempt
from app.clock import now_utc
from app.extensions import db


def _windows(rules: str) -> list[tuple[int, timedelta]]:
    """Return ``(amount, window)`` pairs for rules such as ``"10 per minute;50 per hour"``."""
    return [(limit.amount, timedelta(seconds=limit.get_expiry())) for limit in parse_many(rules)]


def begin_attempt(address: str, email: str) -> int | None:
    """Record a sign-in attempt and tell whether it is within every limit.

    :return: the attempt's id (hand it to :func:`forget_attempt` if the sign-in succeeds), or
        ``None`` when a limit is reached (nothing stays recorded then).
    """
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        return 0
    per_address = _windows(config["LOGIN_RATE_LIMIT"])
    per_account = _windows(config["LOGIN_ACCOUNT_RATE_LIMIT"])
    now = now_utc()
    longest = max(window for _, window in per_address + per_account)
    with db.engine.begin() as conn:  # committed at once, so that every worker counts it
        conn.execute(delete(LoginAttempt).where(LoginAttempt.created_dt < now - longest))  # prune cheaply
        attempt_id = conn.execute(insert(LoginAttempt).values(address=address[:64], email=email[:254], created_dt=now).returning(LoginAttempt.id)).scalar_one()
    limits = [(amount, LoginAttempt.address == address[:64], window) for amount, window in per_address]
    limits += [(amount, LoginAttempt.email == email[:254], window) for amount, window in per_account]
    # One query counts every window of both scopes (their own row included).
    counted = select(*(func.count().filter(and_(scope, LoginAttempt.created_dt > now - window)) for _, scope, window in limits))
    counted = counted.where(or_(LoginAttempt.address == address[:64], LoginAttempt.email == email[:254]), LoginAttempt.created_dt > now - longest)
    with db.engine.connect() as conn:
        counts = conn.execute(counted).one()
    if all(count <= amount for count, (amount, _, _) in zip(counts, limits, strict=True)):
        return attempt_id
    with db.engine.begin() as conn:  # a refused attempt is not a failure: it must not prolong the wait
        conn.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
    return None


def forget_attempt(attempt_id: int) -> None:
    """Delete the record of an attempt that succeeded (in the caller's transaction): it is no failure."""
    if attempt_id:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
