"""`stuurdata web` on a warehouse without a publication: the temporary one is made (under the
demo purpose the store holds), and the app it would serve answers."""

from __future__ import annotations

import shutil

import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from stuurdata.cli import app
from stuurdata.privacy.store import dispose_all
from web.webhelpers import login


def test_web_makes_the_temporary_publication_and_serves_it(warehouse, tmp_path, monkeypatch):
    for name in ("pakhuis.duckdb", "pakhuis.beheer.sqlite"):
        shutil.copy(warehouse.parent / name, tmp_path / name)
    dispose_all()
    served = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda application, **kw: served.update(app=application, **kw)
    )
    pakhuis = tmp_path / "pakhuis.duckdb"
    result = CliRunner().invoke(app, ["web", "--pakhuis", str(pakhuis), "--poort", "8123"])
    assert result.exit_code == 0, result.output
    assert "tijdelijk" in result.output and "http://127.0.0.1:8123/" in result.output
    assert (tmp_path / "pakhuis.web-publicatie" / "cijfers.parquet").exists()
    assert served["host"] == "127.0.0.1" and served["port"] == 8123
    with TestClient(served["app"]) as client:
        assert login(client, "analist") == 303
        assert "Overzicht" in client.get("/").text
