"""Accounts, roles, signing in and out."""

from app.auth import locale  # noqa: F401  (the account's language on sign-in)
from app.auth.views import bp  # noqa: F401
