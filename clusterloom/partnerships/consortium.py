"""The consortium rules of an ESCP call (pure: no Django).

COS-CLUSTER-2018-03-02 (ESCP-4x): at least 3 legal entities from at least 3 EU/COSME countries,
at least one partner in a less developed or transition region, every partner a cluster or
business-network organisation. A region whose category nobody has set gives "unknown", never a
guess: no machine-readable list of region categories is known.

Messages are English templates marked for translation; the service layer translates them.
"""

from dataclasses import dataclass, field

PASSED, FAILED, UNKNOWN = "passed", "failed", "unknown"
MIN_PARTNERS = 3
MIN_COUNTRIES = 3
COHESION_CATEGORIES = ("less_developed", "transition")
CLUSTER_KINDS = ("cluster", "business_network")


def _(text: str) -> str:
    """Mark a message for translation (makemessages reads `_`); translated by the caller."""
    return text


@dataclass(frozen=True)
class PartnerFacts:
    """What the rules need to know about one partner."""

    name: str
    kind: str
    country_code: str
    country_eligible: bool
    region_name: str = ""
    #: "less_developed", "transition", "more_developed", "unknown", or "" without a region.
    region_category: str = ""


@dataclass
class RuleResult:
    """One rule's verdict and why."""

    rule: str
    status: str
    template: str
    params: dict = field(default_factory=dict)
    message: str = ""

    def __post_init__(self):
        if not self.message:
            self.message = self.template % self.params


def _names(partners) -> str:
    return ", ".join(p.name for p in partners)


def rule_partner_count(partners: list[PartnerFacts]) -> RuleResult:
    """At least three partners."""
    count = len(partners)
    if count >= MIN_PARTNERS:
        return RuleResult(
            "min_partners",
            PASSED,
            _("%(count)s partners (at least %(min)s)."),
            {"count": count, "min": MIN_PARTNERS},
        )
    return RuleResult(
        "min_partners",
        FAILED,
        _("Only %(count)s partners; at least %(min)s are needed."),
        {"count": count, "min": MIN_PARTNERS},
    )


def rule_countries(partners: list[PartnerFacts]) -> RuleResult:
    """Partners from at least three EU or COSME countries."""
    eligible = sorted({p.country_code for p in partners if p.country_eligible})
    outside = [p for p in partners if not p.country_eligible]
    params = {
        "count": len(eligible),
        "min": MIN_COUNTRIES,
        "countries": ", ".join(eligible),
        "outside": _names(outside),
    }
    if len(eligible) >= MIN_COUNTRIES:
        return RuleResult(
            "min_countries", PASSED, _("%(count)s EU/COSME countries: %(countries)s."), params
        )
    if outside:
        template = _(
            "Only %(count)s EU/COSME countries (%(countries)s); at least %(min)s are needed. "
            "Not in an EU/COSME country: %(outside)s."
        )
    else:
        template = _(
            "Only %(count)s EU/COSME countries (%(countries)s); at least %(min)s are needed."
        )
    return RuleResult("min_countries", FAILED, template, params)


def rule_cohesion_region(partners: list[PartnerFacts]) -> RuleResult:
    """At least one partner in a less developed or transition region."""
    qualifying = [p for p in partners if p.region_category in COHESION_CATEGORIES]
    if qualifying:
        return RuleResult(
            "cohesion_region",
            PASSED,
            _("In a less developed or transition region: %(names)s."),
            {"names": _names(qualifying)},
        )
    no_region = [p for p in partners if not p.region_name]
    unknown = [p for p in partners if p.region_name and p.region_category in ("", "unknown")]
    if unknown:
        regions = ", ".join(dict.fromkeys(p.region_name for p in unknown))
        return RuleResult(
            "cohesion_region",
            UNKNOWN,
            _("Set the category of region %(regions)s to check this rule."),
            {"regions": regions},
        )
    if no_region:
        return RuleResult(
            "cohesion_region",
            UNKNOWN,
            _("Set the region of %(names)s to check this rule."),
            {"names": _names(no_region)},
        )
    return RuleResult(
        "cohesion_region",
        FAILED,
        _("No partner is in a less developed or transition region."),
    )


def rule_partner_kinds(partners: list[PartnerFacts]) -> RuleResult:
    """Every partner a cluster or business-network organisation."""
    others = [p for p in partners if p.kind not in CLUSTER_KINDS]
    if others:
        return RuleResult(
            "partner_kinds",
            FAILED,
            _("Not a cluster or business-network organisation: %(names)s."),
            {"names": _names(others)},
        )
    return RuleResult(
        "partner_kinds",
        PASSED,
        _("Every partner is a cluster or business-network organisation."),
    )


def check_consortium(partners: list[PartnerFacts]) -> list[RuleResult]:
    """Every rule, in the order the call states them."""
    partners = list(partners)
    return [
        rule_partner_count(partners),
        rule_countries(partners),
        rule_cohesion_region(partners),
        rule_partner_kinds(partners),
    ]
