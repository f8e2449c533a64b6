"""Partnership pages as a visitor and a coordinator see them."""

import html

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from clusterloom.core.errors import DomainError
from clusterloom.core.models import AuditEntry
from clusterloom.geo.models import Region, RegionCategory
from clusterloom.partnerships.demo import SEEDS_DIR
from clusterloom.partnerships.models import Target
from clusterloom.partnerships.pdf import StaticOnlyFetcher
from clusterloom.partnerships.serialization import partnership_import_structured
from clusterloom.partnerships.services import partnership_import_eccp

pytestmark = pytest.mark.django_db


def page(client, name, *args, **headers):
    response = client.get(reverse(name, args=args), headers=headers)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_profile_shows_every_field_of_the_eccp_page(client, seeds):
    text = page(client, "partnership_detail", "extratex")
    for expected in [
        "EXTRATEX",
        "European TEXtile-TRAnsport-Sustainability paradigm",
        "3 February 2020",
        "24 months",
        "Clusters met at a textile-transport brokerage event.",
        "composed of 6 clusters across 5 different regions",
        "regional authorities",
        "Developing 6 individual clusters strategies",
        "Dissemination and awareness raising activities",
        "Experience industries",  # the reference spelling of the emerging industry
        "trigger technological or business synergies",
        "Two further clusters from Germany.",
        "Euratex and the European Cluster Collaboration Platform.",
    ]:
        assert expected in text, expected
    facts = text[text.index('id="profile-facts"') :]
    assert "59" in facts[: facts.index("</dl>")]  # planned exchanges


def test_composition_table_groups_fields_like_the_eccp(client, seeds):
    text = page(client, "partnership_detail", "extratex")
    table = text[
        text.index('id="composition"') : text.index("</table>", text.index('id="composition"'))
    ]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 4
    aecim = rows[0]
    for expected in [
        "AECIM",
        "Automotive, Metalworking Technology",
        "Moulding, injection moulding, sintering",
        "Manufacturing & Industry</span> › Basic metals & of fabricated metals products",
        "Spain",
        "Comunidad de Madrid",
        "190",
        "170",
        "Coordinator",
    ]:
        assert expected in aecim, expected
    assert f'href="/organisations/{seeds.aecim.slug}/"' in aecim
    spk = rows[1]
    assert "KETS</span> › Advanced materials" in spk
    assert "Environmental industries" in spk and "Bratislavský kraj" in spk
    assert "Partner" in spk and "Coordinator" not in spk


def test_gap_between_stated_and_listed_partners_is_plain(client, seeds):
    text = page(client, "partnership_detail", "extratex")
    assert "The profile states 6 partners but lists only 4: 2 partners are not listed." in text
    seeds.extratex.stated_partner_count = 4
    seeds.extratex.save()
    assert "not listed" not in page(client, "partnership_detail", "extratex")


def test_targets_show_label_value_and_status(client, seeds):
    text = page(client, "partnership_detail", "extratex")
    targets = text[text.index('id="targets-table"') :]
    assert "ClusterXchange visits" in targets and "Visits by SMEs" in targets
    row = targets[targets.index('data-code="exchanges"') :]
    assert "59" in row[: row.index("</tr>")] and "proposed" in row[: row.index("</tr>")]
    row = targets[targets.index('data-code="exchanges_sme"') :]
    assert "confirmed" in row[: row.index("</tr>")]
    # The public sees no controls.
    assert "Confirm</button>" not in text
    assert 'id="consortium-check"' not in text


def test_date_and_numbers_follow_the_users_language(client, seeds):
    german = page(client, "partnership_detail", "extratex", **{"Accept-Language": "de"})
    assert "3. Februar 2020" in german
    assert "3 February 2020" not in german
    german = page(client, "partnership_detail", "hi-tech-tex", **{"Accept-Language": "de"})
    assert "1.200" in german  # CITEVE's members, grouped the German way
    english = page(client, "partnership_detail", "hi-tech-tex")
    assert "1,200" in english


def test_language_chosen_with_setlang_formats_the_date(client, seeds):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert "3. Februar 2020" in page(client, "partnership_detail", "extratex")


def test_unknown_partnership_is_404(client, seeds):
    assert client.get(reverse("partnership_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("partnership_pdf", args=["nope"])).status_code == 404


def test_home_lists_cards_with_countries_and_searches(client, seeds):
    text = page(client, "home")
    assert "EXTRATEX" in text and "Hi-Tech-TEX" in text
    card = text[text.index('id="card-extratex"') :]
    card = card[: card.index("</article>")]
    for country in ["Czechia", "Spain", "Italy", "Slovakia"]:
        assert f"<span>{country}</span>" in card
    assert "4 partners listed (6 stated)" in card
    assert "ESCP-4x" in card
    search = text[text.rindex("<form", 0, text.index('id="directory-search"')) :]
    search = search[: search.index("</form>")]
    assert f'action="{reverse("organisation_list")}"' in search
    assert 'name="q"' in search


def test_partnership_filter(client, seeds):
    text = page(client, "partnership_list")
    assert "EXTRATEX" in text and "Hi-Tech-TEX" in text
    response = client.get(reverse("partnership_list"), {"q": "hi-tech"})
    text = response.content.decode()
    assert "Hi-Tech-TEX" in text and 'id="card-extratex"' not in text
    response = client.get(reverse("home"), {"q": "AECIM"})
    text = response.content.decode()
    assert 'id="card-extratex"' in text and 'id="card-hi-tech-tex"' not in text
    response = client.get(reverse("home"), {"q": "nothing like this"})
    assert "No partnership matches this filter." in response.content.decode()


def test_printer_friendly_page_has_the_profile_and_no_navigation(client, seeds):
    text = page(client, "partnership_print", "extratex")
    assert "<nav" not in text
    assert 'id="composition"' in text and "Comunidad de Madrid" in text
    assert 'id="targets-table"' in text and "ClusterXchange visits" in text
    assert "@page" in text
    assert "The profile states 6 partners but lists only 4" in text


def test_pdf_of_the_profile(client, seeds):
    response = client.get(reverse("partnership_pdf", args=["extratex"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="extratex.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 10_000


def test_pdf_fetcher_serves_static_files_and_nothing_else():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch("http://clusterloom.invalid/static/css/clusterloom.css")
    assert b"--loom" in css.read()
    # A static path on any host is read from disk: the PDF never goes to the network.
    assert b"--loom" in fetcher.fetch("https://example.org/static/css/clusterloom.css").read()
    for url in [
        "https://example.org/style.css",
        "http://clusterloom.invalid/media/x.png",
        "file:///etc/passwd",
        "http://clusterloom.invalid/static/../settings.py",
        "http://clusterloom.invalid/static/css/missing.css",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_coordinator_sees_controls_and_the_consortium_check(client, roles, seeds):
    Region.objects.filter(code="CZ05").update(category=RegionCategory.LESS_DEVELOPED)
    client.force_login(roles.coordinator)
    text = page(client, "partnership_detail", "extratex")
    assert "Edit profile" in text
    assert "Confirm</button>" in text
    check = text[text.index('id="consortium-check"') :]
    assert "At least 3 partners" in check
    assert "rule-passed" in check
    assert "Severovýchod" in check or "CLUTEX" in check


def test_coordinator_edits_the_profile(client, roles, seeds):
    client.force_login(roles.coordinator)
    url = reverse("partnership_edit", args=["extratex"])
    form = page(client, "partnership_edit", "extratex")
    assert 'value="2020-02-03"' in form
    data = {
        "title": "EXTRATEX renewed",
        "programme": "ESCP-4x",
        "start_date": "2020-02-03",
        "duration_months": "30",
        "stated_partner_count": "6",
        "planned_exchanges": "60",
        "website": "",
        "origin": "",
        "objectives": "New objectives.",
        "target_groups": "",
        "other_partner_members": "",
        "key_partners_networks": "",
        "is_published": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    text = page(client, "partnership_detail", "extratex")
    assert "EXTRATEX renewed" in text and "30 months" in text and "New objectives." in text
    entry = AuditEntry.objects.filter(action="partnership.updated").first()
    assert entry.actor == roles.coordinator and "title" in entry.changes


def test_edit_errors_are_form_errors(client, roles, seeds, monkeypatch):
    client.force_login(roles.coordinator)
    url = reverse("partnership_edit", args=["extratex"])
    response = client.post(url, {"title": "", "programme": "ESCP-4x", "duration_months": "-2"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert "greater than or equal to 0" in response.content.decode()

    def refuse(**kwargs):
        raise DomainError("Another partnership has this acronym.", field="title")

    monkeypatch.setattr("clusterloom.partnerships.views.partnership_update", refuse)
    response = client.post(url, {"title": "X", "programme": "ESCP-4x", "is_published": "on"})
    assert response.status_code == 400
    assert "Another partnership has this acronym." in response.content.decode()
    seeds.extratex.refresh_from_db()
    assert seeds.extratex.title.startswith("European TEXtile")


def test_coordinator_confirms_and_sets_targets(client, roles, seeds):
    client.force_login(roles.coordinator)
    url = reverse("partnership_targets", args=["extratex"])
    response = client.post(url, {"action": "confirm", "code": "exchanges"})
    assert response.status_code == 302 and response["Location"].endswith("#targets")
    assert Target.objects.get(partnership=seeds.extratex, code="exchanges").status == "confirmed"
    response = client.post(url, {"action": "set", "code": "labels_silver", "value": "3"})
    assert response.status_code == 302
    target = Target.objects.get(partnership=seeds.extratex, code="labels_silver")
    assert (target.value, target.status) == (3, "confirmed")
    text = page(client, "partnership_detail", "extratex")
    assert "Silver labels" in text


def test_target_errors_are_shown_not_raised(client, roles, seeds):
    client.force_login(roles.coordinator)
    url = reverse("partnership_targets", args=["extratex"])
    response = client.post(url, {"action": "set", "code": "labels_gold", "value": "-1"})
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()
    response = client.post(url, {"action": "set", "code": "no_such_code", "value": "1"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = client.post(url, {"action": "confirm", "code": "labels_gold"})
    assert response.status_code == 400
    assert "no such target yet" in response.content.decode()
    assert not Target.objects.filter(code="labels_gold").exists()


def test_forms_need_a_csrf_token(roles, seeds):
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles.coordinator)
    url = reverse("partnership_targets", args=["extratex"])
    response = client.post(url, {"action": "confirm", "code": "exchanges"})
    assert response.status_code == 403
    assert Target.objects.get(partnership=seeds.extratex, code="exchanges").status == "proposed"


@pytest.fixture
def imported_seeds(db):
    """Both seed partnerships as the setup command imports them (ECCP text, structured YAML)."""
    partnership_import_eccp(
        actor=None, text=(SEEDS_DIR / "extratex-eccp.txt").read_text(encoding="utf-8")
    )
    data = yaml.safe_load((SEEDS_DIR / "hi-tech-tex.yaml").read_text(encoding="utf-8"))
    partnership_import_structured(actor=None, data=data)


def test_imported_extratex_profile_page(client, imported_seeds):
    text = page(client, "partnership_detail", "extratex")
    assert "The profile states 6 partners but lists only 4: 2 partners are not listed." in text
    table = text[text.index('id="composition"') :]
    table = table[: table.index("</table>")]
    assert table.count('<th scope="row">') == 4
    for expected in ["AECIM", "Comunidad de Madrid", "Severovýchod", "Toscana", "480", "450"]:
        assert expected in table, expected
    assert "Machining (turning, drilling, moulding, planing, cutting)" in table
    assert "Motor vehicles & other transport equipments" in table
    assert "59 visits, including 30 SMEs and 17 non-ESCP-4X members." in text


def test_imported_seeds_share_clutex_and_ntt_in_the_network(client, imported_seeds):
    text = html.unescape(client.get(reverse("network")).content.decode())
    svg = text[text.index("<svg") : text.index("</svg>")]
    shared = [
        chunk[: chunk.index("</title>")]
        for chunk in svg.split('class="net-node cluster shared"')[1:]
    ]
    assert len(shared) == 2
    assert any("CLUTEX" in s for s in shared)
    assert any("Next Technology Tecnotessile" in s for s in shared)


def test_pages_answer_head_and_refuse_other_methods(client, seeds):
    assert client.head(reverse("partnership_detail", args=["extratex"])).status_code == 200
    assert client.post(reverse("partnership_detail", args=["extratex"])).status_code == 405
    assert client.delete(reverse("network")).status_code == 405


def test_inferred_coordinator_is_marked_as_such(client):
    from clusterloom.partnerships.services import partnership_import_eccp

    text = (SEEDS_DIR / "extratex-eccp.txt").read_text(encoding="utf-8")
    partnership_import_eccp(actor=None, text=text)
    body = client.get(reverse("partnership_detail", args=["extratex"])).content.decode()
    assert 'id="role-inferred"' in body
    assert "does not name its coordinator" in body
