"""Access rules for views."""

import functools

from flask import abort
from flask_login import current_user
from flask_login import login_required

from app.auth.models import Role


def role_required(role: Role):
    """Require a signed-in user holding ``role``: anonymous visitors sign in, others get 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
