"""Signing in through the real form, for the web tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

WACHTWOORD = "correct paard batterij niet"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def login(client: TestClient, naam: str, wachtwoord: str = WACHTWOORD) -> int:
    """Sign in through the form; the status of the POST (303 on success)."""
    token = csrf_of(client.get("/inloggen").text)
    response = client.post(
        "/inloggen",
        data={"naam": naam, "wachtwoord": wachtwoord, "csrf": token},
        follow_redirects=False,
    )
    return response.status_code
