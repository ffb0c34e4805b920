"""Signed session cookies, CSRF tokens and login throttling.

The session cookie holds only the user name, a CSRF token and the time of signing, signed
with HMAC-SHA256 under a secret kept outside the warehouse (``STUURDATA_WEB_GEHEIM`` or a
0600 file beside it). It is HttpOnly and SameSite=Strict; ``Secure`` is on unless the server
runs on plain http for local use. The role is read from the store on every request, so a
changed role or a disabled account takes effect at once.

CSRF: every form carries the token of the session (or, before signing in, of a signed
pre-session cookie); a POST without the matching token is refused. SameSite=Strict already
stops most cross-site posts; the token covers old browsers and same-site attackers.

Throttling: after ``MAX_FOUTEN`` failed sign-ins for one name or one address within
``VENSTER`` seconds, further attempts are refused for the rest of the window. Kept in memory:
one server process per installation, and a restart is not a way in for a guesser who also
has to restart the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

SESSIE = "stuurdata_sessie"
VOORSESSIE = "stuurdata_csrf"
GELDIG_SECONDEN = 8 * 3600
GEHEIM_ENV = "STUURDATA_WEB_GEHEIM"
MAX_FOUTEN = 5
VENSTER = 15 * 60


def secret_for(pakhuis: Path) -> bytes:
    """The signing secret: the environment's, else a 0600 file beside the warehouse."""
    named = os.environ.get(GEHEIM_ENV)
    if named:
        return named.encode()
    path = Path(pakhuis).with_suffix(".web-geheim")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_bytes().strip()


class Signer:
    """Sign and check small JSON payloads (``base64url(json).base64url(hmac)``)."""

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(b"stuurdata-web\x00" + secret).digest()
        self._clock = clock

    def _mac(self, body: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, body, "sha256").digest()).decode()

    def mac(self, text: str) -> str:
        """A keyed digest of ``text`` (unguessable without the secret)."""
        return self._mac(text.encode())

    def sign(self, payload: dict[str, Any]) -> str:
        data = {**payload, "t": int(self._clock())}
        body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        return f"{body.decode()}.{self._mac(body)}"

    def unsign(self, token: str | None, max_age: int = GELDIG_SECONDEN) -> dict[str, Any] | None:
        """The payload when the signature is right and not older than ``max_age``."""
        if not token or token.count(".") != 1:
            return None
        body, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(body.encode()))
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("t"), int):
            return None
        if not 0 <= self._clock() - data["t"] <= max_age:
            return None
        return data


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))


class LoginThrottle:
    """Count failed sign-ins per key (name, address) in a sliding window."""

    def __init__(
        self,
        max_fouten: int = MAX_FOUTEN,
        venster: float = VENSTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_fouten = max_fouten
        self.venster = venster
        self._clock = clock
        self._fouten: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        times = self._fouten[key]
        cutoff = self._clock() - self.venster
        while times and times[0] < cutoff:
            times.popleft()
        return times

    def wait_seconds(self, *keys: str) -> int:
        """Seconds until a new attempt is allowed; 0 when allowed now."""
        wait = 0.0
        for key in keys:
            times = self._recent(key)
            if len(times) >= self.max_fouten:
                wait = max(wait, times[0] + self.venster - self._clock())
        return int(wait) + (1 if wait > int(wait) else 0)

    def failed(self, *keys: str) -> None:
        now = self._clock()
        for key in keys:
            self._recent(key).append(now)

    def succeeded(self, naam_key: str) -> None:
        """A right password clears the name's count (not the address's)."""
        self._fouten.pop(naam_key, None)
