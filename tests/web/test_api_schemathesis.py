"""schemathesis against the dashboard's API: generated requests from ``/api/openapi.json``,
signed in as a real user, must never get a server error (5xx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from stuurdata.web import WebConfig, create_app
from stuurdata.web.security import SESSIE
from web.webhelpers import login


@pytest.fixture(scope="module")
def api_session(warehouse: Path) -> Iterator[tuple[Any, dict[str, str]]]:
    """The app and the Cookie header of a signed-in analist (the widest role on the API)."""
    app = create_app(WebConfig(pakhuis=warehouse, secure_cookies=False))
    with TestClient(app) as client:
        assert login(client, "analist") == 303
        yield app, {"Cookie": f"{SESSIE}={client.cookies[SESSIE]}"}


def test_api_has_no_server_errors(api_session: tuple[Any, dict[str, str]]) -> None:
    app, headers = api_session
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    statuses: set[int] = set()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def generated(case: Any) -> None:
            response = case.call(headers=headers)
            statuses.add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        generated()
    # Signed in: the calls reached the API (answers, refusals of bad input), none was a 401.
    assert 200 in statuses and 401 not in statuses
