"""The outbox tests talk to a real SMTP server."""

import pytest

from tests.smtp import smtp_server_for


@pytest.fixture
def smtp_server(app):
    """An SMTP server on localhost the app sends to; yields its inbox."""
    with smtp_server_for(app) as inbox:
        yield inbox
