"""CBS open data: the cache layout, offline reads, Dutch errors, and the bundled snapshot."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import cbsodata
import pytest

from stuurdata.sources.cbs import (
    KERNCIJFERS,
    LAAG_INKOMEN,
    SNAPSHOT_DIR,
    WMO_GEMEENTEN,
    CbsError,
    cached_tables,
    download_table,
    load_table,
    select_period,
    write_table,
)


def test_bundled_snapshot_is_labelled_synthetic_and_covers_three_towns() -> None:
    assert set(cached_tables(SNAPSHOT_DIR)) >= {KERNCIJFERS, LAAG_INKOMEN, WMO_GEMEENTEN}
    for tabel in (KERNCIJFERS, LAAG_INKOMEN, WMO_GEMEENTEN):
        meta = json.loads((SNAPSHOT_DIR / tabel / "meta.json").read_text(encoding="utf-8"))
        assert meta["synthetisch"] is True and "SYNTHETISCH" in meta["TableInfos"]["Title"]
        table = load_table(tabel, SNAPSHOT_DIR)
        assert table.synthetisch
        assert {"GM9901", "GM9902", "GM9903"} <= set(table.data["Codering"])


def test_a_missing_table_offline_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CbsError) as info:
        load_table("85984NED", tmp_path)
    assert "staat niet in de CBS-cache" in str(info.value) and "85984NED" in str(info.value)


def test_a_missing_period_lists_the_available_ones(tmp_path: Path) -> None:
    write_table(
        tmp_path,
        "X1",
        [{"Codering": "GM9901  ", "Perioden": "2024JJ00", "A": 1}],
        titel="t",
        synthetisch=True,
        bron="test",
    )
    table = load_table("X1", tmp_path)
    assert table.data["Codering"].tolist() == ["GM9901"]  # CBS padding stripped
    assert len(select_period(table)) == 1
    with pytest.raises(CbsError) as info:
        select_period(table, "2030JJ00")
    assert "Periode 2030JJ00 komt niet voor" in str(info.value) and "2024JJ00" in str(info.value)


def test_several_cache_folders_are_combined(tmp_path: Path) -> None:
    for gm in ("GM9901", "GM9902"):
        write_table(tmp_path / gm, "X2", [{"Codering": gm}], titel="t", synthetisch=True, bron="b")
    table = load_table("X2", [tmp_path / "GM9901", tmp_path / "GM9902"])
    assert sorted(table.data["Codering"]) == ["GM9901", "GM9902"]


class _FakeStatLine(BaseHTTPRequestHandler):
    """A local stand-in for the OData service: one table T1, everything else 404."""

    def do_GET(self) -> None:
        path = self.path.split("?")[0].rstrip("/").replace("/ODataFeed/odata", "/ODataApi/OData")
        bodies = {
            "/ODataApi/OData/T1": {
                "value": [
                    {"name": "TableInfos"},
                    {"name": "TypedDataSet"},
                    {"name": "UntypedDataSet"},
                ]
            },
            "/ODataApi/OData/T1/TableInfos": {"value": [{"Identifier": "T1", "Title": "Test"}]},
            "/ODataApi/OData/T1/DataProperties": {"value": [{"Key": "A", "Type": "Topic"}]},
            "/ODataApi/OData/T1/TypedDataSet": {"value": [{"ID": 0, "A": 5}]},
        }
        body = bodies.get(path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {}).encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def statline(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), _FakeStatLine)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(cbsodata.options, "catalog_url", f"127.0.0.1:{server.server_port}")
    monkeypatch.setattr(cbsodata.options, "use_https", False)
    yield
    server.shutdown()


def test_download_fills_the_cache_and_unknown_ids_fail_in_dutch(statline, tmp_path) -> None:
    with pytest.raises(CbsError) as info:
        download_table("BESTAATNIET", tmp_path)
    assert "bestaat niet bij CBS StatLine" in str(info.value)
    table = load_table("T1", tmp_path, offline=False)
    assert not table.synthetisch and table.data["A"].tolist() == [5]
    assert (tmp_path / "T1" / "data.json").is_file()
