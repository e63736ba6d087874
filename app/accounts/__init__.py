"""People's accounts beyond sign-in: invitations, password resets, the profile page, admins' account management."""

from app.accounts import two_factor_views  # noqa: F401  (its routes join the blueprint)
from app.accounts.views import bp  # noqa: F401
