"""Product category names for charts and tables.

Copied from the official code lists (iWmo 3.2 WMO020 and iJw 3.2 JZ020, both "laatst
bijgewerkt 01-10-2017") so the report works without the shared standards folder. A code that
is not in the list is shown as "Categorie <code>" rather than dropped: the figure is real even
when the name is unknown.
"""

from __future__ import annotations

WMO020: dict[str, str] = {
    "01": "Hulp bij het huishouden",
    "02": "Begeleiding",
    "03": "Persoonlijke verzorging",
    "04": "Kortdurend verblijf",
    "05": "Woondiensten",
    "06": "Overige ondersteuning gericht op het individu of huishouden/gezin",
    "07": "Dagbesteding",
    "08": "Vervoerdiensten",
    "09": "Overige groepsgerichte ondersteuning",
    "10": "Overige maatwerk arrangementen",
    "11": "Rolstoelen",
    "12": "Vervoervoorzieningen",
    "13": "Woonvoorzieningen",
    "14": "Overige hulpmiddelen",
    "15": "Beschermd wonen",
    "16": "Opvang",
    "17": "Spoedopvang",
    "18": "Overige beschermd wonen en opvang",
}

JZ020: dict[str, str] = {
    "31": "(2015) Zonder verblijf: uitgevoerd door wijk- of buurtteam",
    "32": "(2015) Zonder verblijf: ambulante jeugdhulp op locatie van de aanbieder",
    "33": "(2015) Zonder verblijf: daghulp op locatie van de aanbieder",
    "34": "(2015) Zonder verblijf: jeugdhulp in het netwerk van de jeugdige",
    "35": "(2015) Met verblijf: pleegzorg",
    "36": "(2015) Met verblijf: gezinsgericht",
    "37": "(2015) Met verblijf: gesloten plaatsing",
    "38": "(2015) Met verblijf: overig residentieel",
    "40": "Persoonlijke verzorging",
    "41": "Dagbehandeling",
    "42": "Vervoerdiensten",
    "43": "Jeugdhulp verblijf (incl. behandeling)",
    "44": "Jeugdhulp verblijf (excl. behandeling)",
    "45": "Jeugdhulp ambulant",
    "46": "Jeugdhulp crisis",
    "47": "Jeugdreclassering",
    "48": "Jeugdbescherming",
    "49": "Activiteiten in het preventief justitieel kader",
    "50": "Maatwerkarrangementen jeugd",
    "51": "Generalistische basis-ggz",
    "52": "Specialistische ggz",
    "53": "Kindergeneeskunde",
    "54": "Jeugd-ggz",
    "55": "Landelijk ingekochte zorg",
}

_LISTS: dict[str, dict[str, str]] = {"wmo": WMO020, "jeugd": JZ020}


def category_name(wet: str, code: str) -> str:
    """Dutch name of a product category; unknown codes keep their code visible."""
    code = str(code).strip()
    name = _LISTS.get(wet, {}).get(code.zfill(2))
    return name if name else f"Categorie {code}"
