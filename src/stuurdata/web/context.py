"""The app's state and the one way a route shows something: signed in, allowed, purpose-bound.

``WebState`` holds the configuration, the signer, the throttle and the publication (read
again when its file changes). ``signed_in`` turns the session cookie into a user (role from
the store). ``bekijk`` is what every page and API route runs inside: the role must be allowed
on the route, the view must fall within the purpose, and one audit record is written (who,
role, purpose, route, number of persons behind what was shown), also for a refusal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from fastapi import Request

from stuurdata.config import default_doel
from stuurdata.indicators.registry import Definition, load_definitions
from stuurdata.privacy import audit
from stuurdata.privacy.governance import DoelGeweigerd, Verwerking, verwerking
from stuurdata.privacy.purposes import Doel, get_doel
from stuurdata.privacy.store import store_exists
from stuurdata.web.auditlog import GroupCommit
from stuurdata.web.publicatie import WebPublicatie, find_publication, load_publication
from stuurdata.web.roles import NIVEAUS, allowed, levels_for
from stuurdata.web.security import SESSIE, LoginThrottle, Signer, secret_for
from stuurdata.web.users import Gebruiker, get_user

T = TypeVar("T")
MEMO_MAX = 500
# How long a looked-up purpose or publication folder is reused (seconds): a change in the
# store or a new publication shows from the next page after this.
KORT = 2.0
# How often the dashboard recovers audit records missing for loads (seconds): a CLI command
# does it at its start; per page view it would open the warehouse each time.
HERSTEL_INTERVAL = 300.0


class NietIngelogd(Exception):
    """No valid session: pages send the user to /inloggen, the API answers 401."""


class Geweigerd(Exception):
    """Not allowed for this role or outside the purpose; the message is Dutch."""


@dataclass
class WebConfig:
    """How ``stuurdata web`` was started."""

    pakhuis: Path
    publicatie: Path | None = None
    doel: str | None = None
    secure_cookies: bool = True
    store_url: str | None = None
    # Trusted reverse-proxy mode: the proxy signs users in and passes the name in this
    # header (e.g. ``X-Remote-User``). Only safe when nobody reaches the app but the proxy.
    proxy_kop: str | None = None
    # The installation's key: a list of BSNs to reconcile is pseudonymised with it at once.
    sleutel: Path | None = None


@dataclass
class WebState:
    config: WebConfig
    signer: Signer
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    # Sessions ended by signing out (their token), so a copied cookie dies with them.
    uitgelogd: set[str] = field(default_factory=set)
    _pub: WebPublicatie | None = None
    _pub_stamp: tuple[str, float] | None = None
    _memo: dict[tuple[object, ...], object] = field(default_factory=dict)
    auditlog: GroupCommit = field(default_factory=GroupCommit)
    _short: dict[str, tuple[float, object]] = field(default_factory=dict)
    _hersteld: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, config: WebConfig) -> WebState:
        return cls(config, Signer(secret_for(config.pakhuis)))

    @property
    def definitions(self) -> dict[str, Definition]:
        return load_definitions()

    def briefly(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, reused for ``KORT`` seconds (purposes, the publication's folder)."""
        now = time.monotonic()
        hit = self._short.get(key)
        if hit is not None and now - hit[0] < KORT:
            return hit[1]  # type: ignore[return-value]
        value = make()
        self._short[key] = (now, value)
        return value

    def recover(self, actor: str) -> None:
        """Recover missing load records at most once per ``HERSTEL_INTERVAL``."""
        with self._lock:
            now = time.monotonic()
            if now - self._hersteld < HERSTEL_INTERVAL:
                return
            self._hersteld = now
        cfg = self.config
        if store_exists(cfg.pakhuis, cfg.store_url):
            audit.recover_missing(cfg.pakhuis, actor=actor, url=cfg.store_url)

    def publication(self) -> WebPublicatie:
        """The newest publication; read again only when a newer one was written."""
        cfg = self.config
        folder = self.briefly("pub", lambda: find_publication(cfg.pakhuis, cfg.publicatie))
        stamp = (str(folder), (folder / "publicatie.json").stat().st_mtime)
        if self._pub is None or stamp != self._pub_stamp:
            self._pub = load_publication(folder)
            self._pub_stamp = stamp
            self._memo = {}
        return self._pub

    def memo(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """``make()`` once per publication: pages and charts depend on nothing else."""
        self.publication()
        if key not in self._memo:
            if len(self._memo) >= MEMO_MAX:  # bounded: start over rather than grow
                self._memo = {}
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[return-value]

    def doel(self) -> str | None:
        """The purpose views run under: ``--doel``, the installation's, else the publication's."""
        if self.config.doel:
            return self.config.doel
        named = default_doel("standaard")
        if named:
            return named
        try:
            return self.publication().doel
        except LookupError:
            return None

    def purpose(self) -> Doel | None:
        """The registered purpose views run under (briefly cached), or None."""
        naam = self.doel()
        if not naam:
            return None
        cfg = self.config
        return self.briefly(f"doel:{naam}", lambda: get_doel(cfg.pakhuis, naam, url=cfg.store_url))

    def levels(self, user: Gebruiker) -> tuple[str, ...]:
        """Area levels this user may see under the purpose."""
        found = self.purpose()
        return levels_for(user.rol, found.niveaus if found else ("gemeente",))


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def signed_in(request: Request) -> Gebruiker:
    """The user of a valid session whose account is still active; else ``NietIngelogd``."""
    state = state_of(request)
    if state.config.proxy_kop:
        return _from_proxy(request, state, state.config.proxy_kop)
    data = state.signer.unsign(request.cookies.get(SESSIE))
    if data is None or not isinstance(data.get("n"), str) or data.get("c") in state.uitgelogd:
        raise NietIngelogd()
    user = get_user(state.config.pakhuis, data["n"], url=state.config.store_url)
    if user is None:
        raise NietIngelogd()
    request.state.csrf = str(data.get("c", ""))
    return user


def _from_proxy(request: Request, state: WebState, header: str) -> Gebruiker:
    """The account named by the proxy's header; its role still comes from the store.

    Forms get a CSRF token derived from the user and the day under the server's secret, as
    there is no session cookie to carry one.
    """
    naam = request.headers.get(header, "").strip().lower()
    user = get_user(state.config.pakhuis, naam, url=state.config.store_url) if naam else None
    if user is None:
        raise NietIngelogd()
    request.state.csrf = state.signer.mac(f"csrf:{user.naam}:{date.today().isoformat()}")
    return user


@contextmanager
def bekijk(
    request: Request,
    route: str,
    user: Gebruiker,
    *,
    activiteit: str = "bekijken",
    niveau: str = "gemeente",
    toelichting: str | None = None,
    bronnen: Sequence[str] = (),
    persoonsniveau: bool = False,
    doel: str | None = None,
) -> Iterator[Verwerking]:
    """Run a view of ``route`` for ``user`` as an audit-logged processing under the purpose.

    ``persoonsniveau``: the view shows pseudonyms (the chain monitor's work list), so the
    purpose must allow person-level output; ``doel`` names that purpose when it is not the
    dashboard's own (e.g. the installation's purpose for the ``kwaliteit`` task).
    """
    state = state_of(request)
    cfg = state.config
    path = request.url.path
    naam = doel or state.doel()
    if niveau not in NIVEAUS:  # refused before anything typed in a URL reaches the log
        raise Geweigerd("Onbekend niveau: kies gemeente, wijk of buurt.")

    def refuse(toelichting: str, message: str) -> Geweigerd:
        state.auditlog.append(
            cfg.pakhuis,
            activiteit=activiteit,
            resultaat=audit.GEWEIGERD,
            actor=user.naam,
            rol=user.rol,
            doel=naam,
            uitvoer=path,
            toelichting=toelichting,
            url=cfg.store_url,
        )
        return Geweigerd(message)

    if not allowed(user.rol, route):
        raise refuse(
            f"de rol {user.rol} mag {path} niet openen",
            f"Met de rol {user.rol} kunt u deze pagina niet openen.",
        )
    if niveau not in state.levels(user):
        raise refuse(
            f"niveau {niveau} niet toegestaan voor rol {user.rol} en doel",
            f"Cijfers per {niveau} zijn voor uw rol of onder dit doel niet zichtbaar.",
        )
    state.recover(user.naam)
    try:
        with verwerking(
            cfg.pakhuis,
            doel=naam,
            activiteit=activiteit,
            niveau=niveau,
            bronnen=bronnen,
            persoonsniveau=persoonsniveau,
            actor=user.naam,
            rol=user.rol,
            url=cfg.store_url,
            herstel=False,
            schrijf=state.auditlog.append,
        ) as v:
            v.uitvoer = path
            v.toelichting = toelichting
            yield v
    except DoelGeweigerd as exc:
        raise Geweigerd(str(exc)) from None
