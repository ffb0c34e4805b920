"""`stuurdata web` serves the publication beside the warehouse; without one it says how to
make one."""

from __future__ import annotations

import shutil

import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy.store import dispose_all
from web.webhelpers import login


def test_web_serves_the_publication_beside_the_warehouse(warehouse, tmp_path, monkeypatch):
    for name in ("pakhuis.duckdb", "pakhuis.beheer.sqlite"):
        shutil.copy(warehouse.parent / name, tmp_path / name)
    dispose_all()
    pakhuis = tmp_path / "pakhuis.duckdb"
    missing = CliRunner().invoke(app, ["web", "--pakhuis", str(pakhuis)])
    assert missing.exit_code == 1 and "stuurdata publiceer" in missing.output
    shutil.copytree(warehouse.parent / "publicatie", tmp_path / "publicatie")
    served = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda application, **kw: served.update(app=application, **kw)
    )
    result = CliRunner().invoke(app, ["web", "--pakhuis", str(pakhuis), "--poort", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8123
    with TestClient(served["app"]) as client:
        assert login(client, "analist") == 303
        assert "Overzicht" in client.get("/").text
