"""People's accounts beyond sign-in: invitations, password resets, the profile page, admins' account management."""

from app.accounts.views import bp  # noqa: F401
