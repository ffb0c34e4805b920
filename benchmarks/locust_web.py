"""The locust users of ``bench_web.py``: each takes its own session, then walks the main pages.

``bench_web.py`` signs in once per user before the load starts (argon2 is slow on purpose:
signing in is not what is measured) and passes the session cookies in the file named by
``BENCH_WEB_SESSIES``, one per line. Every user has its own session, so every page view is
purpose-checked and audit-logged as in production. Between two pages each user fetches a
static file of the same server: the reference the pages' p95 is compared with. Requests
are named ``pagina`` and ``statisch`` so locust's statistics give one p95 per kind.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from locust import HttpUser, constant, task

PAGES = (
    "/",
    "/verkenner?maat=clienten_wmo&niveau=wijk&periodesoort=kwartaal",
    "/gebieden",
    "/verantwoording",
    "/api/cijfers?maat=kosten_jeugd&niveau=gemeente",
)
STATIC = "/static/stuurdata.css"
SESSIE = "stuurdata_sessie"
_COOKIES = itertools.cycle(Path(os.environ["BENCH_WEB_SESSIES"]).read_text().split())


class Gebruiker(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.cookies.set(SESSIE, next(_COOKIES))

    @task
    def walk(self) -> None:
        for path in PAGES:
            self.client.get(path, name="pagina")
            self.client.get(STATIC, name="statisch")
