"""Stream the message traffic to disk, month by month, one file per message.

Only small per-message strings are ever in memory: events are sorted by dagtekening and
written in that order, each claim message is assembled from its own lines only. Message
identifications are a running number in writing order, so they are unique per sender.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from stuurdata.synth.care import Allocations, Rejected
from stuurdata.synth.catalog import PRODUCTS, Provider
from stuurdata.synth.claims import ClaimLines
from stuurdata.synth.messages import (
    Client,
    bericht_301,
    bericht_305_307,
    bericht_315,
    bericht_323_client,
    bericht_323_head,
    bericht_323_tail,
    bericht_325,
    bericht_retour,
    prestatie_323,
)
from stuurdata.synth.population import NEVER, Population

_STD = ("iwmo", "ijw")
_TYPE_PREFIX = ("WMO", "JW")
# Event kinds in writing order within a day.
K315, K301, K305, K307, K315R, K301W = range(6)
_RETOUR = {K315: "316", K301: "302", K305: "306", K307: "308", K315R: "316", K301W: "302"}
RETOUR_SHARE = 0.1
RETOUR_325_SHARE = 0.3
_VOORNAAM = ("Jan", "Anna", "Sam")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_BATCH = 256  # files handed to the disk thread at a time


class _Disk:
    """Writes files on a thread of its own, in the order they are handed over.

    Creating tens of thousands of small files is system time (open, write, close), which
    runs outside the interpreter lock, so it overlaps with the composing of the next
    messages on the main thread. ``close`` waits for the last file and raises what failed.
    """

    def __init__(self) -> None:
        # Bounded: when the disk is slower, composing waits (memory stays a few batches).
        self._todo: queue.Queue[list[tuple[str, str, bytes]] | None] = queue.Queue(maxsize=8)
        self._batch: list[tuple[str, str, bytes]] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="synth-schijf", daemon=True)
        self._thread.start()

    def put(self, folder: str, path: str, data: bytes) -> None:
        self._batch.append((folder, path, data))
        if len(self._batch) >= _BATCH:
            self._todo.put(self._batch)
            self._batch = []
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self._todo.put(self._batch)
        self._batch = []
        self._todo.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        made: set[str] = set()
        while (batch := self._todo.get()) is not None:
            if self._error is not None:
                continue  # drain; the main thread raises the first error
            try:
                for folder, path, data in batch:
                    # Plain os calls: for tens of thousands of small files, open() and
                    # pathlib dominate.
                    if folder not in made:
                        os.makedirs(folder, exist_ok=True)
                        made.add(folder)
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    try:
                        os.write(fd, data)
                    finally:
                        os.close(fd)
            except BaseException as error:  # handed to the main thread
                self._error = error


class MessageWriter:
    """Writes all messages of one municipality; ``counts`` per type, ``files`` in total."""

    def __init__(
        self,
        root: Path,
        rng: np.random.Generator,
        gemeente: str,
        plaats: str,
        pop: Population,
        bsn: np.ndarray,
        postcode: np.ndarray,
        huisnr: np.ndarray,
        providers: list[Provider],
        alloc: Allocations,
        rejected: Rejected,
        claims: ClaimLines,
        month_starts: np.ndarray,
        t_end: int,
        straten: list[str],
    ) -> None:
        self.root, self.rng, self.gemeente, self.plaats = root, rng, gemeente, plaats
        self.pop, self.bsn, self.postcode, self.huisnr = pop, bsn, postcode, huisnr
        self.providers, self.alloc, self.rejected, self.claims = providers, alloc, rejected, claims
        self.month_starts, self.t_end = month_starts, t_end
        self.straten = straten
        self.counts: dict[str, int] = defaultdict(int)
        self.files = 0
        self._ident = 0
        self._root = os.fspath(root)
        self._iso: dict[int, str] = {}
        self._disk: _Disk | None = None

    # -- helpers -------------------------------------------------------------------------
    def _date(self, day: int) -> str:
        s = self._iso.get(day)
        if s is None:
            s = date.fromordinal(day + _EPOCH_ORDINAL).isoformat()
            self._iso[day] = s
        return s

    def _next_ident(self) -> str:
        self._ident += 1
        return f"{self._ident:08d}"

    def _write(self, law: int, typ: str, day: int, ident: str, text: str) -> None:
        assert self._disk is not None, "write_all opens the disk thread"
        folder = f"{self._root}/{_STD[law]}/{self._date(day)[:7]}"
        kind = f"{_TYPE_PREFIX[law]}{typ}"
        self._disk.put(folder, f"{folder}/{kind}_{ident}.xml", text.encode("utf-8"))
        self.counts[kind] += 1
        self.files += 1

    def _client(self, p: int) -> Client:
        sex = int(self.pop.sex[p])
        letters = "".join(chr(65 + (p // 26**k) % 26) for k in range(3, -1, -1))
        return Client(
            bsn=str(self.bsn[p]),
            geboortedatum=self._date(int(self.pop.birth[p])),
            geslacht=("1", "2", "0")[sex],
            achternaam=f"Testpersoon-{letters}",
            voornamen=_VOORNAAM[sex],
            voorletters=_VOORNAAM[sex][0],
        )

    def _address(self, p: int, day: int) -> tuple[str, str, str, str]:
        h = int(self.pop.hh[p])
        moved = day >= self.pop.hh_move[h]
        a = int(self.pop.hh_addr2[h] if moved else self.pop.hh_addr[h])
        b = int(self.pop.hh_buurt2[h] if moved else self.pop.hh_buurt[h])
        return str(self.huisnr[a]), str(self.postcode[a]), self.straten[b], self.plaats

    # -- events --------------------------------------------------------------------------
    def _events(self) -> np.ndarray:
        """(day, kind, index) of every non-claim message dated before the window's end."""
        a, r = self.alloc, self.rejected
        parts = [
            (a.d315, K315, np.flatnonzero(a.has315 & (a.d315 < self.t_end))),
            (a.d301, K301, np.flatnonzero(a.d301 < self.t_end)),
            (a.d305, K305, np.flatnonzero(a.d305 < self.t_end)),
            (a.d307, K307, np.flatnonzero(a.d307 < self.t_end)),
            (r.d315, K315R, np.arange(len(r.person))),
            (a.d301w, K301W, np.flatnonzero(a.d301w < self.t_end)),
        ]
        ev = (
            np.concatenate(
                [
                    np.stack([day[idx], np.full(len(idx), kind), idx], axis=1)
                    for day, kind, idx in parts
                ]
            )
            if len(self.alloc) or len(r.person)
            else np.zeros((0, 3), dtype=np.int64)
        )
        return ev[np.lexsort((ev[:, 2], ev[:, 1], ev[:, 0]))]

    def _one(self, day: int, kind: int, i: int) -> tuple[int, str, str, int, str]:
        """Write one non-claim message; returns (law, type, ident, provider, dagtekening)."""
        src = self.rejected if kind == K315R else self.alloc
        law, p = int(src.law[i]), int(src.person[i])
        prod = PRODUCTS[int(src.product[i])]
        prov = self.providers[int(src.provider[i])]
        std, ident, dag = _STD[law], self._next_ident(), self._date(day)
        c = self._client(p)
        if kind in (K315, K315R):
            vol = str(prod.volume[0]) if kind == K315R else str(self.alloc.volume[i])
            text = bericht_315(
                std,
                self.gemeente,
                prov.agb,
                ident,
                dag,
                c,
                f"V{ident}",
                prod.categorie,
                prod.code,
                self._date(day + 7),
                vol,
                prod.eenheid,
                prod.frequentie,
                str(src.verwijzer[i]),
            )
            typ = "315"
        else:
            a = self.alloc
            nummer, ingang = str(a.nummer[i]), self._date(int(a.ingang[i]))
            if kind in (K301, K301W):
                typ = "301"
                change = kind == K301W
                text = bericht_301(
                    std,
                    self.gemeente,
                    prov.agb,
                    ident,
                    dag,
                    c,
                    self._address(p, day),
                    nummer,
                    prod.categorie,
                    prod.code,
                    ingang,
                    self._date(int(a.stop[i] if change else a.einde[i])),
                    str(a.volume[i]),
                    prod.eenheid,
                    prod.frequentie,
                    str(a.reden_wijziging[i]) if change else "",
                )
            else:
                typ = "305" if kind == K305 else "307"
                text = bericht_305_307(
                    std,
                    typ,
                    self.gemeente,
                    prov.agb,
                    ident,
                    dag,
                    c,
                    nummer,
                    prod.categorie,
                    prod.code,
                    ingang,
                    self._date(int(a.start[i])),
                    str(a.reden[i]),
                    self._date(int(a.stop[i])),
                )
        self._write(law, typ, day, ident, text)
        return law, typ, ident, int(src.provider[i]), dag

    def _retour(self, kind: int, day: int, ident: str, agb: str, dag: str) -> None:
        """An iJw return message accepting the message just written (a small share)."""
        typ = _RETOUR[kind]
        rday = int(day + self.rng.integers(1, 4))
        if rday >= self.t_end:
            return
        # The XSDs fix the direction: 302 comes from the municipality, 306/308/316 from the
        # provider (they mirror the header of the message they answer).
        afz, ontv = (self.gemeente, agb) if typ == "302" else (agb, self.gemeente)
        rid = self._next_ident()
        self._write(
            1, typ, rday, rid, bericht_retour(typ, afz, ontv, rid, self._date(rday), ident, dag)
        )

    # -- claims --------------------------------------------------------------------------
    def _claim_groups(self) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
        """Order of written claim lines and the (start, end) of each message's lines."""
        cl, a = self.claims, self.alloc
        sent = np.flatnonzero(cl.dagtekening < self.t_end)
        ai = cl.alloc[sent]
        keys = (cl.month[sent], ai, a.person[ai], a.law[ai], a.provider[ai], cl.dagtekening[sent])
        order = sent[np.lexsort(keys)]
        ai = cl.alloc[order]
        key = np.stack([cl.dagtekening[order], a.provider[ai], a.law[ai]], axis=1)
        change = np.flatnonzero(np.any(key[1:] != key[:-1], axis=1)) + 1
        bounds = np.concatenate([[0], change, [len(order)]])
        return (
            order,
            cl.dagtekening[order],
            [(int(bounds[k]), int(bounds[k + 1])) for k in range(len(bounds) - 1)],
        )

    def _write_claim(self, lines: np.ndarray) -> None:
        cl, a = self.claims, self.alloc
        first = int(cl.alloc[lines[0]])
        law, provider = int(a.law[first]), int(a.provider[first])
        prov = self.providers[provider]
        std = _STD[law]
        day = int(cl.dagtekening[lines[0]])
        ident, dag = self._next_ident(), self._date(day)
        send = int(np.searchsorted(self.month_starts, day, side="right") - 1)
        periode = (
            self._date(int(self.month_starts[send - 1])),
            self._date(int(self.month_starts[send] - 1)),
        )
        totaal = int(cl.bedrag[lines].sum())
        parts = [
            bericht_323_head(std, self.gemeente, prov.agb, ident, dag, f"D{ident}", periode, totaal)
        ]
        persons = a.person[cl.alloc[lines]]
        cut = np.flatnonzero(persons[1:] != persons[:-1]) + 1
        for block in np.split(lines, cut):
            prest = []
            for ln in block:
                i = int(cl.alloc[ln])
                prod = PRODUCTS[int(a.product[i])]
                prest.append(
                    prestatie_323(
                        std,
                        f"R{int(ln)}",
                        str(a.nummer[i]),
                        prod.categorie,
                        prod.code,
                        self._date(int(cl.begin[ln])),
                        self._date(int(cl.end[ln])),
                        int(cl.volume[ln]),
                        prod.eenheid,
                        int(cl.tarief[ln]),
                        int(cl.bedrag[ln]),
                    )
                )
            parts.append(
                bericht_323_client(std, str(self.bsn[a.person[int(cl.alloc[block[0]])]]), prest)
            )
        parts.append(bericht_323_tail(std))
        self._write(law, "323", day, ident, "".join(parts))
        if law == 1 and self.rng.random() < RETOUR_325_SHARE:
            rday = int(day + self.rng.integers(2, 8))
            if rday < self.t_end:
                rid = self._next_ident()
                self._write(
                    1,
                    "325",
                    rday,
                    rid,
                    bericht_325(
                        self.gemeente,
                        prov.agb,
                        rid,
                        self._date(rday),
                        ident,
                        dag,
                        f"D{ident}",
                        totaal,
                    ),
                )

    # -- all -----------------------------------------------------------------------------
    def write_all(self, progress: Callable[[float], None]) -> None:
        """Write every message in dagtekening order (claims after the day's other messages)."""
        self._disk = _Disk()
        try:
            self._write_all(progress)
        finally:
            disk, self._disk = self._disk, None
            disk.close()

    def _write_all(self, progress: Callable[[float], None]) -> None:
        ev = self._events()
        order, claim_days, groups = self._claim_groups()
        total = len(ev) + len(groups)
        done, g = 0, 0
        step = max(1, total // 50)
        for day, kind, i in ev:
            while g < len(groups) and claim_days[groups[g][0]] < day:
                self._write_claim(order[groups[g][0] : groups[g][1]])
                g += 1
                done += 1
            law, _typ, ident, provider, dag = self._one(int(day), int(kind), int(i))
            if law == 1 and self.rng.random() < RETOUR_SHARE:
                self._retour(int(kind), int(day), ident, self.providers[provider].agb, dag)
            done += 1
            if done % step == 0:
                progress(done / total)
        for s, e in groups[g:]:
            self._write_claim(order[s:e])
        progress(1.0)


__all__ = ["NEVER", "MessageWriter"]
