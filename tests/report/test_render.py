"""The rendered file: self-contained, Dutch, protected, with every definition beside it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import duckdb
import pytest
from markupsafe import escape

from stuurdata.report import build_report_data, render_report


class _Refs(HTMLParser):
    """Collects every URL-bearing attribute and every tag name."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "action", "poster", "data"} and value:
                self.refs.append((tag, name, value))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, warehouse, published, definitions):
    con = duckdb.connect(str(warehouse), read_only=True)
    data = build_report_data(con, published, definitions)
    con.close()
    path = render_report(data, tmp_path_factory.mktemp("rapport") / "uit" / "rapport.html")
    return path.read_text(encoding="utf-8")


def test_file_is_self_contained(rendered):
    parser = _Refs()
    parser.feed(rendered)
    assert parser.refs, "expected at least the in-page navigation links"
    for tag, name, value in parser.refs:
        assert value.startswith("#"), f"<{tag} {name}={value!r}> points outside the file"
    assert "link" not in parser.tags
    assert "script" not in parser.tags
    assert "@import" not in rendered and "url(http" not in rendered
    # Only namespace declarations of the inline SVGs may mention http.
    without_ns = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]*"', "", rendered)
    assert "http://" not in without_ns and "https://" not in without_ns


def test_dutch_structure(rendered):
    assert '<html lang="nl">' in rendered
    for heading in (
        "Gemeente Voorbeeldstad",
        "Periode: januari 2025 t/m maart 2026",
        ">Wmo 2015<",
        ">Jeugdwet<",
        ">Kerncijfers<",
        ">Per wijk en buurt<",
        ">Doorlooptijden in de keten<",
        ">Kosten<",
        ">Verantwoording<",
        ">Definities<",
        "Per wijk, 1e kwartaal 2026",
    ):
        assert heading in rendered, heading
    assert rendered.count("<svg") >= 12
    for tag in ("section", "div", "dl", "table", "details", "figure", "svg"):
        assert rendered.count(f"<{tag}") == rendered.count(f"</{tag}>"), tag


def test_freshness_sources_and_disclosure_note(rendered):
    assert "28 maart 2026" in rendered  # newest message
    assert "1 april 2026 om 08:05" in rendered  # BRP extract loaded
    assert "Basisregistratie Personen" in rendered
    assert "23.456" in rendered  # rows read from the BRP, Dutch digits
    note = "Aantallen zijn afgerond op vijftallen; aantallen onder de 10 worden niet getoond (.)"
    assert note in rendered


def test_suppressed_values_are_shown_as_a_dot_with_words(rendered):
    row = re.search(r"De Akkers</th>(.*?)</tr>", rendered, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num" data-label="[^"]+">(.*?)</td>', row.group(1))
    dot = '<span aria-hidden="true">.</span><span class="verborgen">niet getoond: te weinig '
    assert cells and all(c.startswith(dot) for c in cells)


def test_every_definition_is_printed(rendered, published, definitions):
    for indicator in published["indicator"].unique():
        definition = definitions[indicator]
        text = definition["definitie"] if isinstance(definition, dict) else definition.definitie
        assert str(escape(text)) in rendered, indicator
        # Beside the figure, not only in the appendix.
        assert rendered.count(str(escape(text))) >= 2, indicator


def test_no_nine_digit_number_anywhere(rendered):
    assert re.search(r"(?<!\d)\d{9}(?!\d)", rendered) is None


def test_svg_text_keeps_dutch_thousands(rendered):
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", rendered)
    assert "2.000" in labels or "1.500" in labels
    assert not any(re.fullmatch(r"\d+,\d{3}", label) for label in labels)
