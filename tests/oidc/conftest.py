"""A real OpenID provider (panva's oidc-provider, from npm) started beside the platform for the SSO tests."""

import contextlib
import json
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests

from tests.smtp import free_port

HERE = Path(__file__).parent
#: The people the provider knows, by account id (their ``sub``), with their claims.
ACCOUNTS = {
    "alice": {"email": "Alice@Example.org", "email_verified": True, "given_name": "Alice", "family_name": "Arnaud", "name": "Alice Arnaud", "groups": ["staff"]},
    "bob": {"email": "bob@example.org", "email_verified": True, "given_name": "Bob", "family_name": "Martin", "name": "Bob Martin", "groups": ["staff", "lms-tutors"]},
    "eve": {"email": "eve@example.org", "email_verified": False, "given_name": "Eve", "family_name": "Noir"},
}
#: Where the platform under test is reached (the Flask test client's host).
PLATFORM = "http://localhost"
CALLBACK = PLATFORM + "/connexion/sso/retour"
CLIENTS = [
    {"client_id": "lms", "client_secret": "lms-secret-for-tests", "redirect_uris": [CALLBACK]},
    {"client_id": "other-app", "client_secret": "other-secret-for-tests", "redirect_uris": [CALLBACK]},
]


@contextlib.contextmanager
def running_provider(**env):
    """Start the provider on a free port; yield its issuer URL."""
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the OpenID provider is not installed: run `make peers` (npm ci --prefix tests/oidc)")
    port = free_port()
    environ = {**os.environ, "PORT": str(port), "ACCOUNTS": json.dumps(ACCOUNTS), "CLIENTS": json.dumps(CLIENTS), **env}
    process = subprocess.Popen(["node", str(HERE / "provider.mjs")], env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(issuer + "/.well-known/openid-configuration", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the OpenID provider did not start (exit code {process.poll()})")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def openid_provider():
    """The provider, for the whole session (ID tokens valid an hour)."""
    with running_provider() as issuer:
        yield issuer


def sso_settings(issuer: str, **overrides) -> dict:
    """The platform's settings for the provider (client ``lms``)."""
    return {
        "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "lms", "OIDC_CLIENT_SECRET": "lms-secret-for-tests", "OIDC_PROVIDER_NAME": "Test SSO",
        "OIDC_ROLE_MAPPING": "groups=lms-tutors:tutor", "PLATFORM_HOMEPAGE": PLATFORM, **overrides,
    }


def start_sign_in(client, who: str, next_url: str = "") -> str:
    """Press « Se connecter avec … »: return the provider's address the platform sends the browser to."""
    start = client.get("/connexion/sso", query_string={"login_hint": who, **({"next": next_url} if next_url else {})})
    assert start.status_code == 302, start.text
    return start.headers["Location"]


def through_provider(location: str) -> str:
    """Follow the provider's pages as a browser would; return the address it sends the person back to."""
    browser = requests.Session()  # the person's browser at the provider (its cookies)
    for _ in range(10):
        if location.startswith(PLATFORM + "/"):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        location = urljoin(location, answer.headers["Location"])
    raise AssertionError("the provider never sent the person back")


def back_at_platform(client, location: str):
    """Open the platform's callback address in ``client``; return the response."""
    parts = urlsplit(location)
    return client.get(parts.path + "?" + parts.query)


def sign_in_through(client, who: str, next_url: str = ""):
    """Run the whole flow: the platform's redirect, the provider's pages, the callback; return its response."""
    return back_at_platform(client, through_provider(start_sign_in(client, who, next_url)))
