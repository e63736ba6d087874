"""A person's own data: the download of everything kept about them, the erasure of their identity, the xAPI export."""

from app.privacy.views import bp  # noqa: F401
