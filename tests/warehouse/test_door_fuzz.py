"""Property-based fuzzing of the door (issue 11): hostile XML, CSV, XLSX and zip inputs.

Most examples run at reader level (``detect`` + ``read_source`` on one file, or
``iter_sources`` on one archive): that is where input is parsed, and it costs about a
millisecond per example, so thousands run in CI. A smaller number run through the whole
loader into a real DuckDB warehouse, where row accounting and the absence of BSNs and file
names in everything stored are checked.

Properties, for every generated input:

* no exception escapes (a traceback would abort a real load);
* every record is accounted for: an XML file gives exactly one unit or rejection; a CSV
  or Excel row with content gives exactly one, on its own line; a zip member gives exactly
  one source file; a load has read = loaded + quarantined + duplicate per file;
* every rejection has a reason, and no reason carries a BSN-shaped number.

Example counts per CI run (``FUZZ_SCALE=10`` runs ten times as many): XML 1500, CSV 1500
(BRP extracts and suite exports), XLSX 150, zip 400, whole loads 30: 3,580 in all.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from stuurdata.privacy.bsn import has_bsn_shape
from stuurdata.privacy.pseudonym import Pseudonymiser
from stuurdata.sources import files
from stuurdata.sources.detect import detect, read_source
from stuurdata.sources.records import Rejection, SourceFile, Unit
from stuurdata.warehouse.load import load_sources
from stuurdata.warehouse.schema import column_types
from warehouse.door_inputs import BRP_HEADER, accounting_holds, brp_line

from helpers import BERICHTEN, bsn_shaped, test_bsns

SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
PSEUDO = Pseudonymiser(b"fuzz-key" * 4)
BSNS = test_bsns(6)
EXAMPLES = sorted(BERICHTEN.glob("*/*.xml"))
EXAMPLE_TEXT = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLES}
_LINES = re.compile(r"\r\n|\r|\n")
_ELEMENT_TEXT = re.compile(r">([^<>]+)<")
# Columns that hold allocation numbers: an xs:integer of up to nine digits the municipality
# itself assigns and needs to see (docs/privacy.md says so); every other text is checked.
_ALLOCATION_COLUMNS = {"toewijzingnummer", "toewijzing_id", "toewijzingnummers"}


def _fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _bsn_forms(bsn: str) -> list[str]:
    return [
        bsn,
        f"{bsn[:3]}.{bsn[3:6]}.{bsn[6:]}",
        f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}",
        bsn.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
        bsn.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ]


HOSTILE = st.sampled_from(
    [
        *(form for bsn in BSNS[:2] for form in _bsn_forms(bsn)),
        '=HYPERLINK("http://x","y")',
        "+cmd|'/c calc'!A0",
        "@SUM(1)",
        "99999999999999999999",
        "-1",
        "0100532",
        "+100532",
        "0001-01-01",
        "2099-12-31",
        "9999-12-31",
        "2023-02-30",
        "",
        " ",
        '"',
        ';"',
        "\x00",
        "\r",
        "&amp;",
        "<",
        "]]>",
        "x" * 300,
        "Jansen, Piet",
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=40))


def _read(name: str, data: bytes) -> list[Unit | Rejection]:
    source = SourceFile(name=name, data=data, sha256="0" * 64)
    return list(read_source(detect(source), source, PSEUDO))


def _check_reasons(items: list[Unit | Rejection]) -> None:
    for item in items:
        assert isinstance(item, Unit | Rejection)
        if isinstance(item, Rejection):
            assert item.message.strip()
            assert not has_bsn_shape(item.message), item.message


# -- XML ---------------------------------------------------------------------------------------


@st.composite
def hostile_xml(draw: st.DrawFn) -> bytes:
    text = EXAMPLE_TEXT[draw(st.sampled_from(sorted(EXAMPLE_TEXT)))]
    values = list(_ELEMENT_TEXT.finditer(text))
    for _ in range(draw(st.integers(1, 4))):
        match = draw(st.sampled_from(values))
        start, end = match.span(1)
        replacement = draw(TEXT).replace("<", "&lt;").replace("&", "&amp;")
        if draw(st.booleans()):
            replacement = draw(TEXT)  # raw: may break well-formedness
        text = text[:start] + replacement + text[end:]
        values = list(_ELEMENT_TEXT.finditer(text)) or values
    data = text.encode("utf-8", "surrogatepass")
    how = draw(st.sampled_from(["as is", "truncate", "doctype", "bytes", "encoding"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "doctype":
        head, _, rest = data.partition(b"\n")
        target = draw(st.sampled_from([b"file:///etc/passwd", b"/dev/stdin", b"http://x/y"]))
        data = head + b'\n<!DOCTYPE x SYSTEM "' + target + b'">\n' + rest
    elif how == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif how == "encoding":
        data = data.replace(b"UTF-8", draw(st.sampled_from([b"UTF-16", b"UTF-7", b"latin1"])))
    return data


@_fuzz(1500)
@given(hostile_xml())
def test_fuzz_xml_gives_exactly_one_record_with_a_reason(data: bytes) -> None:
    items = _read("x.xml", data)
    assert len(items) == 1
    _check_reasons(items)
    (item,) = items
    if isinstance(item, Unit):
        for table, rows in item.rows.items():
            for row in rows:
                for column, value in row.items():
                    if isinstance(value, str) and column not in _ALLOCATION_COLUMNS:
                        assert not bsn_shaped(value), (table, column, value)


# -- CSV ---------------------------------------------------------------------------------------

PW_COLUMNS = [
    "Burgerservicenummer",
    "Gemeente",
    "Uitkeringssoort",
    "Ingangsdatum",
    "Einddatum",
    "Netto bedrag per maand",
]


@st.composite
def hostile_csv(draw: st.DrawFn) -> str:
    bsns = draw(st.lists(st.sampled_from(BSNS), min_size=1, max_size=8))
    if draw(st.booleans()):
        lines = [BRP_HEADER, *(brp_line(b, n=i) for i, b in enumerate(bsns, 1))]
    else:  # a suite export read through a column mapping
        lines = [";".join(PW_COLUMNS), *(f"{b};GM9901;ALG;01-02-2025;;900,00" for b in bsns)]
    for _ in range(draw(st.integers(0, 6))):
        row = draw(st.integers(0, len(lines) - 1))
        fields = lines[row].split(";")
        col = draw(st.integers(0, len(fields) - 1))
        fields[col] = draw(st.sampled_from(["", fields[col]])) + draw(TEXT)
        lines[row] = ";".join(fields)
    if draw(st.booleans()):
        lines[0] += ";" + draw(st.sampled_from(["bsn", "BSN ", "geboortedatum", "extra"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending]))


@_fuzz(1500)
@given(hostile_csv())
def test_fuzz_csv_every_row_with_content_is_one_record_on_its_line(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    items = _read("x.csv", data)
    _check_reasons(items)
    positions = [item.position for item in items]
    file_level = len(items) == 1 and not positions[0].startswith("regel ")
    header_level = len(items) == 1 and positions[0] == "regel 1 (kopregel)"
    if file_level or header_level or detect(SourceFile("x", data, "")) not in ("brp", "suite"):
        assert len(items) >= 1
        return
    lines = _LINES.split(data.decode("utf-8-sig", "replace"))
    with_content = {f"regel {n}" for n, line in enumerate(lines[1:], 2) if _has_content(line)}
    non_blank = {f"regel {n}" for n, line in enumerate(lines[1:], 2) if line.strip()}
    assert len(positions) == len(set(positions)), positions
    assert with_content <= set(positions) <= non_blank | {"regel 1"}


def _has_content(line: str) -> bool:
    return any(c.isalnum() for c in line)


# -- XLSX --------------------------------------------------------------------------------------

CELL = st.one_of(
    TEXT.filter(lambda s: "\x00" not in s and "\r" not in s),
    st.none(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
)


@st.composite
def hostile_xlsx(draw: st.DrawFn) -> tuple[bytes, int]:
    book = Workbook()
    sheet = book.active
    header = list(PW_COLUMNS)
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(["Burgerservicenummer", "extra"])))
    sheet.append(header)
    rows = draw(st.integers(0, 6))
    for _ in range(rows):
        row: list[object] = [
            draw(st.sampled_from(BSNS)),
            "GM9901",
            "ALG",
            "01-02-2025",
            "",
            "900,00",
        ]
        for _ in range(draw(st.integers(0, 3))):
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
        try:
            sheet.append(row)
        except Exception:  # openpyxl refuses some characters itself: keep the row simple
            sheet.append(["", "", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


@_fuzz(150)
@given(hostile_xlsx())
def test_fuzz_xlsx_every_row_is_one_record(case: tuple[bytes, int]) -> None:
    data, rows = case
    items = _read("x.xlsx", data)
    _check_reasons(items)
    positions = [i.position for i in items]
    assert len(positions) == len(set(positions))
    assert len(items) <= max(rows, 1)
    assert all(p.startswith("regel ") for p in positions)


# -- zip ---------------------------------------------------------------------------------------

MEMBER_NAMES = st.sampled_from(
    [
        "a.xml",
        "a.xml",
        "map/b.xml",
        f"client_{BSNS[0]}.xml",
        "Jansen, Piet 1952-03-14.csv",
        ".verborgen.xml",
        "map/",
        "../buiten.xml",
        "/absoluut.xml",
    ]
)


@st.composite
def hostile_zip(draw: st.DrawFn) -> tuple[bytes, int]:
    out = io.BytesIO()
    members = 0
    with zipfile.ZipFile(out, "w") as zf:
        for _ in range(draw(st.integers(0, 4))):
            name = draw(MEMBER_NAMES)
            method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
            body = draw(st.sampled_from([b"", b"x" * 5000, EXAMPLE_TEXT["WMO301.xml"].encode()]))
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            with _quiet():
                zf.writestr(info, body)
            parts = [p for p in name.split("/") if p not in (".", "..")]
            if not name.endswith("/") and not any(p.startswith(".") for p in parts):
                members += 1
    data = bytearray(out.getvalue())
    if draw(st.booleans()) and data:
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        members = -1  # unknown after corruption
    return bytes(data), members


class _quiet:
    """Silence zipfile's duplicate-name warning while building hostile archives."""

    def __enter__(self) -> None:
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc: object) -> None:
        self._w.__exit__(*exc)


@_fuzz(400)
@given(hostile_zip())
def test_fuzz_zip_each_member_is_one_source_and_nothing_raises(
    tmp_path_factory: object, case: tuple[bytes, int]
) -> None:
    data, members = case
    folder = Path(tmp_path_factory.mktemp("zip"))  # type: ignore[attr-defined]
    archive = folder / f"client_{BSNS[0]}.zip"
    archive.write_bytes(data)
    sources = list(files.iter_sources(files.list_files([archive])))
    assert sources
    if members >= 0:
        assert len(sources) == max(members, 1)
    for source in sources:
        assert BSNS[0] not in source.name and "Jansen" not in source.name
        assert (source.error is None) or source.error.strip()
        for item in _read(source.name, source.data) if source.error is None else []:
            assert isinstance(item, Unit | Rejection)


# -- whole loads -------------------------------------------------------------------------------


@st.composite
def hostile_inbox(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["xml", "csv", "zip"]))
        name = f"client_{BSNS[i]}_Jansen_{i}.{kind}"
        if kind == "xml":
            found.append((name, draw(hostile_xml())))
        elif kind == "csv":
            found.append((name, draw(hostile_csv()).encode("utf-8", "surrogatepass")))
        else:
            found.append((name, draw(hostile_zip())[0]))
    return found


@_fuzz(30)
@given(hostile_inbox())
def test_fuzz_whole_loads_account_for_everything_and_store_no_bsn_or_name(
    tmp_path_factory: object, inbox: list[tuple[str, bytes]]
) -> None:
    folder = Path(tmp_path_factory.mktemp("inbox"))  # type: ignore[attr-defined]
    for name, data in inbox:
        (folder / name).write_bytes(data)
    pakhuis = folder.parent / f"{folder.name}.duckdb"
    result = load_sources([folder], pakhuis, PSEUDO, workers=1)
    assert accounting_holds(result)
    con = duckdb.connect(str(pakhuis), read_only=True)
    try:
        for table in ("bericht", "lading", "quarantaine", "declaratie", "verzoek", "persoon"):
            texts = [
                c
                for c, t in column_types(table).items()
                if t == "VARCHAR" and c not in _ALLOCATION_COLUMNS
            ]
            for row in con.execute(f"SELECT {', '.join(texts)} FROM {table}").fetchall():
                for value in row:
                    if value is not None:
                        assert not bsn_shaped(value), (table, value)
                        assert "Jansen" not in value and "client_" not in value, (table, value)
    finally:
        con.close()
