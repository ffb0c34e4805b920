"""A load killed halfway leaves the warehouse exactly as it was, and can simply be re-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stuurdata.warehouse.load import connect, load_sources

from helpers import BERICHTEN, table_digest, test_bsns

N_MESSAGES = 3000

LOADER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from stuurdata.privacy.pseudonym import Pseudonymiser
    from stuurdata.warehouse.load import load_sources

    def progress(done, total, name):
        print(done, total, flush=True)

    load_sources([Path(sys.argv[1])], Path(sys.argv[2]), Pseudonymiser(b"test-key-" * 4),
                 progress=progress)
    print("KLAAR", flush=True)
    """
)


def write_allocations(folder: Path, count: int) -> None:
    """``count`` valid WMO301 messages made from the official example."""
    folder.mkdir()
    template = (BERICHTEN / "iwmo" / "WMO301.xml").read_text()
    for i, bsn in enumerate(test_bsns(count, start=999_910_000)):
        text = (
            template.replace(">123456789012<", f">{700_000_000_000 + i}<")
            .replace("<wmo301:ToewijzingNummer>101<", f"<wmo301:ToewijzingNummer>{5000 + i}<")
            .replace(">999900006<", f">{bsn}<")
        )
        (folder / f"WMO301_{i:05d}.xml").write_text(text)


@pytest.mark.slow
def test_killed_load_leaves_the_warehouse_unchanged(tmp_path, pseudo):
    pakhuis = tmp_path / "p.duckdb"
    load_sources([BERICHTEN], pakhuis, pseudo)
    before = table_digest(pakhuis)
    inbox = tmp_path / "inbox"
    write_allocations(inbox, N_MESSAGES)

    proc = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(inbox), str(pakhuis)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    killed_at = 0
    for line in proc.stdout:
        done = int(line.split()[0]) if line[0].isdigit() else N_MESSAGES
        if done >= N_MESSAGES // 2:
            killed_at = done
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert killed_at and killed_at < N_MESSAGES, "the load finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL

    assert table_digest(pakhuis) == before
    con = connect(pakhuis)
    assert con.execute("SELECT count(*) FROM lading").fetchall() == [(28,)]
    con.close()

    again = load_sources([inbox], pakhuis, pseudo)
    assert again.totaal("geladen") == N_MESSAGES
    con = connect(pakhuis)
    assert con.execute("SELECT count(*) FROM toewijzing").fetchall() == [(N_MESSAGES + 3,)]
    con.close()
