"""The report in a real headless browser: it loads offline and draws its charts."""

from __future__ import annotations

import shutil
import subprocess

import duckdb
import pytest

from stuurdata.report import build_report_data, render_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is niet geïnstalleerd"),
]


def test_report_renders_in_headless_chromium(tmp_path, warehouse, published, definitions):
    con = duckdb.connect(str(warehouse), read_only=True)
    path = render_report(build_report_data(con, published, definitions), tmp_path / "r.html")
    con.close()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profiel'}",
    ]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Gemeente Voorbeeldstad" in dom
    assert dom.count("<svg") >= 12
    shot = tmp_path / "r.png"
    subprocess.run(
        [CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kB
