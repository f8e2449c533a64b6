"""The ECCP profile parser on its own (pure: no database)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterloom.partnerships.eccp_text import (
    ParsedTerm,
    ProfileParseError,
    parse_profile,
    split_glued,
    split_terms,
)

from .conftest import EXTRATEX_PAGE as SEED
from .conftest import EXTRATEX_TARGETS


@pytest.fixture(scope="module")
def profile():
    return parse_profile(SEED)


def test_header_fields(profile):
    assert profile.acronym == "EXTRATEX"
    assert profile.title.startswith("European TEXtile-TRAnsport-Sustainability paradigm")
    assert profile.title.endswith("EXcellence in cross-sector innovation")
    assert profile.programme == "ESCP-4x"
    assert profile.start_date == datetime.date(2020, 2, 3)
    assert profile.duration_months is None


def test_stated_versus_listed_partners(profile):
    assert profile.stated_partner_count == 6
    assert len(profile.partners) == 4
    assert "the profile states 6 partners but lists 4" in profile.warnings


def test_coordinator_is_first_listed_and_marked_inferred(profile):
    assert profile.coordinator_index == 0
    assert profile.coordinator_inferred is True


def test_objectives_target_groups_actions_results(profile):
    assert profile.objectives.startswith("EXTRATEX partnership is composed of 6 clusters")
    assert "target group" not in profile.objectives
    assert profile.target_groups.startswith("Project refers to all cluster organisations")
    assert profile.target_groups.endswith("potential target group in EXTRATEX project.")
    assert len(profile.actions) == 6
    assert profile.actions[1] == "Developing 6 individual clusters strategies and its roadmaps"
    assert profile.actions[5] == "Dissemination and awareness raising activities"
    assert profile.actions[4].endswith("from different sectors")
    assert len(profile.results) == 8
    assert profile.results[0].startswith("knowledge and technology transfer")
    assert profile.results[7] == "59 visits, including 30 SMEs and 17 non-ESCP-4X members."
    assert profile.terms == [ParsedTerm("emerging", "Experience Industries")]


def _by_vocabulary(partner):
    out = {}
    for term in partner.terms:
        out.setdefault(term.vocabulary, []).append(
            (term.category, term.name) if term.category else term.name
        )
    return out


def test_partner_rows(profile):
    rows = [
        (p.listed_name, p.country_code, p.region, p.member_count, p.sme_count)
        for p in profile.partners
    ]
    assert rows == [
        ("AECIM", "ES", "Comunidad de Madrid", 190, 170),
        ("Slovenský plastikársky klaster", "SK", "Bratislavský kraj", 37, 17),
        ("CLUTEX - klastr technicke textilie, z.s.", "CZ", "Severovýchod", 36, 29),
        ("OTIR2020-TFC - Next Technology Tecnotessile", "IT", "Toscana", 480, 450),
    ]
    assert profile.partners[2].short_name == "CLUTEX"


def test_partner_terms_by_vocabulary(profile):
    aecim, spk, clutex, ntt = (_by_vocabulary(p) for p in profile.partners)
    assert aecim == {
        "sectoral": ["Automotive", "Metalworking Technology"],
        "technology": [
            "Machining (turning, drilling, moulding, planing, cutting)",
            "Moulding, injection moulding, sintering",
        ],
        "value_chain": [
            ("Manufacturing & Industry", "Basic metals & of fabricated metals products"),
            ("Manufacturing & Industry", "Motor vehicles & other transport equipments"),
        ],
    }
    assert spk == {
        "sectoral": ["Environmental Services", "Plastics"],
        "technology": ["Moulding, injection moulding, sintering", "Plastics", "Polymers"],
        "ket": ["Advanced materials"],
        "value_chain": [("Services", "Education")],
        "emerging": ["Environmental Industries", "Experience Industries"],
    }
    assert clutex == {
        "sectoral": ["Textile Manufacturing"],
        "technology": ["Advanced Textile Materials"],
        "ket": ["Advanced materials"],
        "emerging": ["Creative Industries"],
    }
    assert ntt == {
        "sectoral": ["Apparel", "Financial Services"],
        "technology": ["Nanomaterials", "Finisher related to Textiles Technology"],
        "value_chain": [
            ("Service innovation", "New or improved service processes"),
            ("Services", "Education"),
        ],
        "emerging": ["Creative Industries", "Environmental Industries"],
    }


def test_targets_with_source_sentences(profile):
    targets = {t.code: t for t in profile.targets}
    assert {code: t.value for code, t in targets.items()} == EXTRATEX_TARGETS
    assert "two learning events" in targets["learning_events"].source_text
    assert "a comprehensive strategy for the cluster partnership" in (
        targets["joint_strategies"].source_text
    )
    assert "59 visits are planned" in targets["exchanges"].source_text
    assert profile.planned_exchanges == 59


def test_lines_are_classified_by_content_not_position():
    """A partner without technology and value-chain lines: emerging terms still found."""
    text = SEED.replace(
        "CLUTEX - klastr technicke textilie, z.s. Textile Manufacturing\n\n"
        "Advanced Textile Materials\n\nKETSAdvanced materials\n\n",
        "CLUTEX - klastr technicke textilie, z.s. Textile Manufacturing\n\n",
    )
    assert text != SEED
    clutex = parse_profile(text).partners[2]
    assert _by_vocabulary(clutex) == {
        "sectoral": ["Textile Manufacturing"],
        "emerging": ["Creative Industries"],
    }
    assert (clutex.member_count, clutex.sme_count) == (36, 29)


def test_unknown_glued_category_is_kept_with_a_warning():
    text = SEED.replace("KETSAdvanced materials\n\nCreative", "AgrifoodCrop production\n\nCreative")
    profile = parse_profile(text)
    assert ParsedTerm("value_chain", "Crop production", "Agrifood") in profile.partners[2].terms
    assert any("Agrifood" in w for w in profile.warnings)


def test_helpers():
    assert split_terms("Moulding, injection moulding, sintering, Plastics, Polymers") == [
        "Moulding, injection moulding, sintering",
        "Plastics",
        "Polymers",
    ]
    assert split_glued("Service innovationNew or improved", ["Services", "Service innovation"]) == (
        "Service innovation",
        "New or improved",
    )
    assert split_glued("Transportation & Logistics", ["Transport"]) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the text is empty"),
        ("   \n\n  ", "the text is empty"),
        ("Clusters are groups of firms. They cooperate.", "no breadcrumb"),
        (SEED.split("Partnership composition")[0], "no 'Partnership composition' table found"),
        (
            SEED.replace(
                "European TEXtile-TRAnsport-Sustainability paradigm for industrial "
                "clusters EXcellence in cross-sector innovation\n",
                "",
            ),
            "no partnership title found",
        ),
        (SEED.rsplit("Italy Toscana", 1)[0], "the text seems to be cut off"),
        (SEED.rsplit("Czech Republic Severovýchod", 1)[0], "the text seems to be cut off"),
        (SEED.rsplit(" 450", 1)[0], "found one number"),
        (SEED.split("AECIM Automotive")[0], "lists no partners"),
    ],
)
def test_not_a_profile_is_refused_with_a_reason(text, message):
    with pytest.raises(ProfileParseError) as error:
        parse_profile(text)
    assert message in str(error.value)


def test_truncated_row_names_partner_and_line():
    with pytest.raises(ProfileParseError) as error:
        parse_profile(SEED.rsplit("Italy Toscana", 1)[0])
    assert "OTIR2020-TFC - Next Technology Tecnotessile" in error.value.message
    assert (
        error.value.line
        == SEED.splitlines().index(
            "OTIR2020-TFC - Next Technology Tecnotessile Apparel, Financial Services"
        )
        + 1
    )


_profile_pieces = st.sampled_from(SEED.splitlines() + ["", "•", "Home >", "Italy 1", "Spain"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(_profile_pieces).map("\n".join)))
def test_parser_raises_nothing_but_profile_parse_error(text):
    try:
        parse_profile(text)
    except ProfileParseError:
        pass
