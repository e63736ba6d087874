"""Accounts, roles, signing in and out."""

from app.auth.views import bp  # noqa: F401
