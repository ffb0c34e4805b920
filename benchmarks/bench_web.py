"""Benchmark: the dashboard under concurrent signed-in users, against a static file.

`stuurdata web` runs in its own process on 127.0.0.1; locust (headless, ``locust_web.py``)
starts ``BENCH_WEB_USERS`` users (default 50) at once, each with its own session, walking the
main pages for ``BENCH_WEB_SECONDS`` (default 60), every page view purpose-checked and
audit-logged as in production. The same users fetch a static file of the same server between
two pages. Statistics start once every user is running (``--reset-stats``). Reported:
p50/p95 per kind, the ratio of the pages' p95 to the static p95 (target <= 5) and the number
of failed requests (target 0). Locust rounds times above 100 ms to two significant digits.

The warehouse gets the demo purpose, an account and a publication, as `make demo` leaves it.
"""

from __future__ import annotations

import csv
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).parent
USERS = int(os.environ.get("BENCH_WEB_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "60"))
STATIC = "/static/stuurdata.css"
WARM = (
    "/",
    "/verkenner?maat=clienten_wmo&niveau=wijk&periodesoort=kwartaal",
    "/gebieden",
    "/verantwoording",
    "/api/cijfers?maat=kosten_jeugd&niveau=gemeente",
)
SESSIE = "stuurdata_sessie"
NAAM = "bench"
PASSWORD = "benchmark wachtwoord lang genoeg"


def _prepare(pakhuis: Path) -> None:
    from stuurdata.privacy.governance import ensure_demo_purpose
    from stuurdata.publication.publish import publiceer
    from stuurdata.publication.store import write_publication
    from stuurdata.warehouse.load import connect
    from stuurdata.web.publicatie import candidates
    from stuurdata.web.users import create_user

    doel = ensure_demo_purpose(pakhuis)
    if not candidates(pakhuis):
        con = connect(pakhuis)
        try:
            write_publication(publiceer(con, doel=doel), pakhuis.parent / "publicatie")
        finally:
            con.close()
    create_user(pakhuis, NAAM, "beleidsmedewerker", PASSWORD)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stats(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {row["Name"]: row for row in csv.DictReader(fh)}


def _sessions(base: str, out: Path) -> Path:
    """Sign in once per user (before the load: argon2 is slow on purpose); the cookies."""
    cookies = []
    for _ in range(USERS):
        with httpx.Client(base_url=base, timeout=120) as client:
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/inloggen").text)
            assert token, "no login form"
            response = client.post(
                "/inloggen", data={"naam": NAAM, "wachtwoord": PASSWORD, "csrf": token.group(1)}
            )
            assert response.status_code == 303, f"sign-in failed: {response.status_code}"
            cookies.append(client.cookies[SESSIE])
            if len(cookies) == 1:  # warm the per-publication cache: steady state is measured
                for page in WARM:
                    client.get(page)
    path = out / "sessies.txt"
    path.write_text("\n".join(cookies))
    return path


def _locust(base: str, out: Path) -> dict[str, dict[str, str]]:
    env = {**os.environ, "BENCH_WEB_SESSIES": str(_sessions(base, out))}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "locust_web.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{SECONDS}s",
            "--reset-stats",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--host",
            base,
            "--csv",
            str(out / "web"),
        ],
        env=env,
        check=False,  # locust exits 1 when a request failed; the failures are reported
        stdout=subprocess.DEVNULL,
        stderr=(out / "locust.log").open("w"),
    )
    return _stats(out / "web_stats.csv")


def run(pakhuis: Path) -> dict[str, float]:
    """Latencies (ms) of pages and of the static file under load, their ratio, failures."""
    _prepare(pakhuis)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (pakhuis.parent / "bench_web.log").open("w")  # the server's own errors, if any
    server = subprocess.Popen(
        [sys.executable, "-m", "stuurdata", "web", "--pakhuis", str(pakhuis), "--poort", str(port)],
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(600):
            try:
                httpx.get(base + STATIC, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            stats = _locust(base, Path(tmp))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    pages, static = stats["pagina"], stats["statisch"]
    p95_pages, p95_static = float(pages["95%"]), float(static["95%"])
    failures = sum(int(row["Failure Count"]) for row in stats.values())
    return {
        "gebruikers": float(USERS),
        "seconden": float(SECONDS),
        "paginas": float(pages["Request Count"]),
        "p50_pagina_ms": float(pages["50%"]),
        "p95_pagina_ms": p95_pages,
        "p50_statisch_ms": float(static["50%"]),
        "p95_statisch_ms": p95_static,
        "verhouding_p95": round(p95_pages / p95_static, 2) if p95_static else float("nan"),
        "fouten": float(failures),
    }


if __name__ == "__main__":
    print(run(Path(sys.argv[1])))
