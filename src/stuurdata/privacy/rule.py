"""The installation's disclosure rule: read once from the settings, checked against the purpose.

Every publication applies exactly one rule and says which. The CBS default (suppress below
10, round to 5) is the floor for anything that may be shown to people outside the team: a
weaker rule (a lower threshold or finer rounding) is only allowed under a purpose that
allows person-level output, because with such a rule the figures come close to it.
"""

from __future__ import annotations

from stuurdata.config import settings
from stuurdata.privacy.disclosure import DisclosureRule
from stuurdata.privacy.purposes import Doel

CBS_DEFAULT = DisclosureRule(min_count=10, round_to=5)


class RegelGeweigerd(ValueError):
    """The configured rule is weaker than the purpose allows; the message is Dutch."""


def is_weaker(rule: DisclosureRule, than: DisclosureRule = CBS_DEFAULT) -> bool:
    """True when ``rule`` protects less than ``than`` on either axis."""
    return rule.min_count < than.min_count or rule.round_to < than.round_to


def installation_rule(doel: Doel | None = None) -> DisclosureRule:
    """The rule from the settings, refused when weaker than CBS without person-level purpose."""
    cfg = settings()
    rule = DisclosureRule(min_count=cfg.onderdruk_onder, round_to=cfg.afronden_op)
    if is_weaker(rule) and (doel is None or not doel.persoonsniveau):
        wie = f"doel {doel.naam}" if doel is not None else "deze verwerking"
        raise RegelGeweigerd(
            f"De ingestelde onthullingsregel ({describe_rule(rule)}) is zwakker dan de "
            f"CBS-regel ({describe_rule(CBS_DEFAULT)}). Dat mag alleen onder een doel dat "
            f"uitvoer op persoonsniveau toestaat, en {wie} staat dat niet toe. Pas "
            "STUURDATA_ONDERDRUK_ONDER en STUURDATA_AFRONDEN_OP aan of kies een ander doel."
        )
    return rule


def configured_rule() -> DisclosureRule:
    """The settings' rule where no purpose is at hand, never weaker than the CBS default.

    Library functions called without a rule use this, so a configured stricter rule (say
    50) holds for every output, and a weaker one only where ``installation_rule`` allowed it.
    """
    cfg = settings()
    return DisclosureRule(
        min_count=max(cfg.onderdruk_onder, CBS_DEFAULT.min_count),
        round_to=max(cfg.afronden_op, CBS_DEFAULT.round_to),
    )


def describe_rule(rule: DisclosureRule) -> str:
    """The rule in one Dutch phrase, as every output states it."""
    afronding = "niet afgerond" if rule.round_to == 1 else f"afgerond op {rule.round_to}-tallen"
    return f"aantallen onder de {rule.min_count} niet getoond, overige aantallen {afronding}"


def explain_rule(rule: DisclosureRule) -> str:
    """The rule as the report's explanation of signs states it (one or two sentences)."""
    afronding = (
        "Aantallen zijn niet afgerond"
        if rule.round_to == 1
        else f"Aantallen zijn afgerond op {rule.round_to}-tallen"
    )
    return f"{afronding}; aantallen onder de {rule.min_count} worden niet getoond (.)."
