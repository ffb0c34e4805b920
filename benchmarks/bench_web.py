"""Benchmark: the dashboard under concurrent signed-in users, against a static file.

`stuurdata web` runs in its own process on 127.0.0.1; ``BENCH_WEB_USERS`` clients (default
50), each with its own session, walk the main pages ``BENCH_WEB_ROUNDS`` times (default 10),
every page view purpose-checked and audit-logged as in production. The same clients fetch a
static file of the same server in between. Reported: p50/p95 per kind, the ratio of the
pages' p95 to the static p95 (target <= 5) and the number of errors (target 0).

The warehouse gets the demo purpose, an account and (until `stuurdata publiceer` is merged)
the dashboard's temporary publication, as `make demo` would leave it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

USERS = int(os.environ.get("BENCH_WEB_USERS", "50"))
ROUNDS = int(os.environ.get("BENCH_WEB_ROUNDS", "10"))
PAGES = (
    "/",
    "/verkenner?maat=clienten_wmo&niveau=wijk&periodesoort=kwartaal",
    "/gebieden",
    "/verantwoording",
    "/api/cijfers?maat=kosten_jeugd&niveau=gemeente",
)
STATIC = "/static/stuurdata.css"
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
    create_user(pakhuis, "bench", "beleidsmedewerker", PASSWORD)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/inloggen").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, "no login form"
    response = client.post(
        "/inloggen", data={"naam": "bench", "wachtwoord": PASSWORD, "csrf": token.group(1)}
    )
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"
    return client


def _walk(client: httpx.Client) -> tuple[list[float], list[float], int]:
    pages: list[float] = []
    static: list[float] = []
    errors = 0
    for _ in range(ROUNDS):
        for path in PAGES:
            for target, bucket in ((path, pages), (STATIC, static)):
                start = time.perf_counter()
                try:
                    ok = client.get(target).status_code == 200
                except httpx.HTTPError:
                    ok = False
                bucket.append(time.perf_counter() - start)
                errors += not ok
    return pages, static, errors


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run(pakhuis: Path) -> dict[str, float]:
    """Latencies (ms) of pages and of the static file under load, their ratio, errors."""
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
        clients = [_session(base) for _ in range(USERS)]
        for client in clients:  # warm the per-publication cache once
            client.get(PAGES[0])
            break
        with ThreadPoolExecutor(max_workers=USERS) as pool:
            results = list(pool.map(_walk, clients))
        for client in clients:
            client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    pages = [t for r in results for t in r[0]]
    static = [t for r in results for t in r[1]]
    p95_pages, p95_static = _pct(pages, 0.95), _pct(static, 0.95)
    return {
        "gebruikers": float(USERS),
        "paginas": float(len(pages)),
        "p50_pagina_ms": round(_pct(pages, 0.5) * 1000, 1),
        "p95_pagina_ms": round(p95_pages * 1000, 1),
        "p50_statisch_ms": round(_pct(static, 0.5) * 1000, 1),
        "p95_statisch_ms": round(p95_static * 1000, 1),
        "verhouding_p95": round(p95_pages / p95_static, 2) if p95_static else float("nan"),
        "fouten": float(sum(r[2] for r in results)),
    }


if __name__ == "__main__":
    print(run(Path(sys.argv[1])))
