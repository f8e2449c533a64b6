"""Partner requests: post, read, follow, express interest (with e-mail), edit, close; per role."""

import datetime

import pytest
from django.core import mail

from clusterloom.core.models import AuditEntry
from clusterloom.matching.models import PartnerInterest, PartnerRequest, RequestStatus
from clusterloom.matching.request_services import partner_request_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(roles, world):
    """A public request the Spanish cluster's manager posted."""
    return partner_request_create(
        actor=roles.manager,
        organisation=world.automotive_es,
        data={
            "title": "Textiles for car interiors",
            "sought": "A maker of technical textiles for seat covers and headliners.",
            "offered": "Access to car makers.",
            "terms": ["sectoral:textile-manufacturing"],
        },
    )


@pytest.fixture
def members_only(roles, world):
    """A request only logged-in users may read."""
    return partner_request_create(
        actor=roles.manager,
        organisation=world.automotive_es,
        data={"title": "Confidential search", "sought": "Plastics recyclers.", "is_public": False},
    )


@pytest.mark.parametrize("role", ["anonymous", "plain", "member", "admin"])
def test_list_and_detail_are_readable(as_role, posted, members_only, role):
    client = as_role(role)
    listing = client.get("/partners/requests/").content.decode()
    assert "Textiles for car interiors" in listing
    assert ("Confidential search" in listing) == (role != "anonymous")
    detail = client.get(f"/partners/requests/{posted.pk}/")
    assert detail.status_code == 200
    assert "Organisations that may fit" in detail.content.decode()
    slugs = [r.organisation.slug for r in detail.context["matches"]]
    assert "lt-textilie" in slugs and "caar" not in slugs
    hidden = client.get(f"/partners/requests/{members_only.pk}/")
    assert hidden.status_code == (404 if role == "anonymous" else 200)


def test_anonymous_detail_offers_login_and_no_forms(client, posted):
    page = client.get(f"/partners/requests/{posted.pk}/").content.decode()
    assert "Log in to follow or express interest" in page
    assert "csrfmiddlewaretoken" not in page


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("plain", 403),
        ("member", 200),
        ("manager", 200),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_post_form_per_role(as_role, role, status):
    response = as_role(role).get("/partners/requests/new/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_member_posts_a_request_for_their_organisation(as_role, world):
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    response = as_role("member").post(
        "/partners/requests/new/",
        {
            "organisation": world.textile_cz.pk,
            "title": "Automotive partner wanted",
            "sought": "Car seat makers in Spain or Italy.",
            "offered": "Flame-retardant seat fabrics.",
            "terms": ["sectoral:automotive"],
            "deadline": deadline.isoformat(),
            "is_public": "on",
        },
    )
    created = PartnerRequest.objects.get(title="Automotive partner wanted")
    assert (
        response.status_code == 302 and response["Location"] == f"/partners/requests/{created.pk}/"
    )
    assert created.organisation == world.textile_cz and created.deadline == deadline
    assert [t.slug for t in created.terms.all()] == ["automotive"]
    assert AuditEntry.objects.filter(
        action="matching.request_posted", object_id=created.pk
    ).exists()


def test_member_cannot_post_for_another_organisation(as_role, world):
    response = as_role("member").post(
        "/partners/requests/new/",
        {"organisation": world.finisher_it.pk, "title": "X", "sought": "Y"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not PartnerRequest.objects.exists()


def test_coordinator_posts_for_a_partner_of_their_partnership(as_role, world):
    response = as_role("coordinator").post(
        "/partners/requests/new/",
        {"organisation": world.automotive_es.pk, "title": "Joint action", "sought": "Textiles"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "sought": "x"}, "This field is required"),
        ({"title": "t", "sought": ""}, "This field is required"),
        ({"title": "t", "sought": "x", "deadline": "2001-01-01"}, "The deadline lies in the past"),
        ({"title": "t", "sought": "x", "deadline": "soon"}, "Enter a valid date"),
    ],
)
def test_bad_request_form_is_a_400_with_the_field_error(as_role, world, data, message):
    response = as_role("member").post(
        "/partners/requests/new/", {"organisation": world.textile_cz.pk, **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_expressing_interest_mails_the_poster(
    as_role, posted, roles, django_capture_on_commit_callbacks
):
    roles.manager.email = "manager@caar.example.org"
    roles.manager.save()
    client = as_role("member")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/partners/requests/{posted.pk}/interest/",
            {"message": "We weave seat fabrics <b>and</b> headliners."},
        )
    assert response.status_code == 302
    interest = PartnerInterest.objects.get()
    assert interest.user == roles.member and interest.notified_at is not None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["manager@caar.example.org"]
    assert "Textiles for car interiors" in sent.subject
    assert "We weave seat fabrics <b>and</b> headliners." in sent.body
    assert "Jana Nováková (Liberecká technická textilie)" in sent.body
    assert f"/partners/requests/{posted.pk}/" in sent.body
    assert sent.reply_to == [roles.member.email]

    again = client.post(f"/partners/requests/{posted.pk}/interest/", {"message": "Again"})
    assert again.status_code == 400
    assert "already expressed interest" in again.content.decode()
    assert PartnerInterest.objects.count() == 1

    # The poster sees who is interested; the interested member sees that they answered.
    poster_page = as_role("manager").get(f"/partners/requests/{posted.pk}/").content.decode()
    assert "We weave seat fabrics &lt;b&gt;and&lt;/b&gt; headliners." in poster_page
    member_page = as_role("member").get(f"/partners/requests/{posted.pk}/").content.decode()
    assert "You have expressed interest" in member_page
    assert "We weave seat fabrics" not in member_page  # messages are the poster's to read


def test_no_interest_in_your_own_request(as_role, posted):
    response = as_role("manager").post(
        f"/partners/requests/{posted.pk}/interest/", {"message": "Me!"}
    )
    assert response.status_code == 400
    assert "your own request" in response.content.decode()
    assert not PartnerInterest.objects.exists()


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("plain", 403)])
def test_interest_needs_a_role(as_role, posted, role, status):
    response = as_role(role).post(f"/partners/requests/{posted.pk}/interest/", {"message": "Hi"})
    assert response.status_code == status
    assert not PartnerInterest.objects.exists()
    assert not mail.outbox


def test_empty_interest_message_is_refused(as_role, posted):
    response = as_role("member").post(f"/partners/requests/{posted.pk}/interest/", {"message": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


@pytest.mark.parametrize(
    "role, allowed", [("member", True), ("coordinator", True), ("admin", True), ("plain", False)]
)
def test_follow_and_unfollow(as_role, posted, roles, role, allowed):
    client = as_role(role)
    response = client.post(f"/partners/requests/{posted.pk}/follow/", {"follow": "1"})
    user = getattr(roles, role)
    assert posted.followers.filter(pk=user.pk).exists() == allowed
    if allowed:
        assert response.status_code == 302
        client.post(f"/partners/requests/{posted.pk}/follow/", {"follow": "0"})
        assert not posted.followers.filter(pk=user.pk).exists()
    else:
        assert response.status_code == 403


def test_anonymous_follow_goes_to_login(client, posted):
    response = client.post(f"/partners/requests/{posted.pk}/follow/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("plain", 403),
        ("member", 403),
        ("coordinator", 403),
        ("manager", 302),
        ("admin", 302),
    ],
)
def test_only_the_poster_or_an_admin_closes(as_role, posted, role, status):
    response = as_role(role).post(f"/partners/requests/{posted.pk}/close/")
    assert response.status_code == status
    posted.refresh_from_db()
    closed = role in ("manager", "admin")
    assert (posted.status == RequestStatus.CLOSED) == closed
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_closed_request_takes_no_interest(as_role, posted, roles):
    as_role("manager").post(f"/partners/requests/{posted.pk}/close/")
    response = as_role("member").post(
        f"/partners/requests/{posted.pk}/interest/", {"message": "Late"}
    )
    assert response.status_code == 400
    assert "This request is closed." in response.content.decode()
    assert (
        "Textiles for car interiors"
        not in as_role("anonymous").get("/partners/requests/").content.decode()
    )
    closed = as_role("anonymous").get("/partners/requests/?status=closed").content.decode()
    assert "Textiles for car interiors" in closed


@pytest.mark.parametrize(
    "role, status", [("member", 403), ("plain", 403), ("manager", 200), ("admin", 200)]
)
def test_edit_per_role(as_role, posted, role, status):
    client = as_role(role)
    assert client.get(f"/partners/requests/{posted.pk}/edit/").status_code == status
    response = client.post(
        f"/partners/requests/{posted.pk}/edit/",
        {"title": "Seat fabrics wanted", "sought": "Seat fabrics.", "is_public": "on"},
    )
    posted.refresh_from_db()
    assert (posted.title == "Seat fabrics wanted") == (status == 200)
    if status == 200:
        assert response.status_code == 302
        assert list(posted.terms.all()) == []


def test_request_of_a_deleted_poster_still_reads(client, posted, roles):
    roles.manager.delete()
    assert client.get(f"/partners/requests/{posted.pk}/").status_code == 200


def test_unknown_request_is_404(client, world):
    assert client.get("/partners/requests/999/").status_code == 404


def test_a_partner_request_of_100000_characters_is_refused_on_its_field(as_role, world):
    from clusterloom.core.errors import DomainError
    from clusterloom.matching.request_services import partner_request_update

    form = {"organisation": world.textile_cz.pk, "title": "Automotive partner wanted"}
    response = as_role("member").post(
        "/partners/requests/new/", {**form, "sought": "x" * 100_000, "is_public": "on"}
    )
    assert response.status_code == 400
    assert "at most 5000 characters" in response.context["form"].errors["sought"][0]
    response = as_role("member").post(
        "/partners/requests/new/", {**form, "sought": "Car seats.", "offered": "y" * 5_001}
    )
    assert "at most 5000 characters" in response.context["form"].errors["offered"][0]
    assert not PartnerRequest.objects.exists()
    # A request saved before the bound stays editable; a longer text is refused.
    posted = as_role("member").post("/partners/requests/new/", {**form, "sought": "Car seats."})
    assert posted.status_code == 302
    request = PartnerRequest.objects.get()
    PartnerRequest.objects.filter(pk=request.pk).update(sought="z" * 6_000)
    request.refresh_from_db()
    partner_request_update(actor=request.posted_by, partner_request=request,
                           data={"sought": "z" * 6_000, "title": "Renamed"})  # fmt: skip
    with pytest.raises(DomainError) as caught:
        partner_request_update(
            actor=request.posted_by, partner_request=request, data={"sought": "z" * 6_001}
        )
    assert caught.value.field == "sought"


def test_a_request_saved_before_the_bound_is_resaved_through_its_edit_page(as_role, world):
    form = {"organisation": world.textile_cz.pk, "title": "Automotive partner wanted"}
    client = as_role("member")
    created = client.post("/partners/requests/new/", {**form, "sought": "Car seats."})
    assert created.status_code == 302
    request = PartnerRequest.objects.get()
    legacy = "Car seats.\nInteriors. " + "z" * 6_000
    PartnerRequest.objects.filter(pk=request.pk).update(sought=legacy, offered="o" * 7_000)
    url = f"/partners/requests/{request.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'maxlength="5000"' not in page
    # Sent back unchanged (the browser sends its line ends as CR LF) with a new title: saved.
    edit = {"title": "Renamed", "sought": legacy.replace("\n", "\r\n"), "offered": "o" * 7_000,
            "is_public": "on"}  # fmt: skip
    response = client.post(url, edit)
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.title, request.sought, len(request.offered)) == ("Renamed", legacy, 7_000)
    # A changed text is held to the bound.
    response = client.post(url, {**edit, "sought": legacy + "!"})
    assert response.status_code == 400
    assert "at most 5000 characters" in response.context["form"].errors["sought"][0]
    request.refresh_from_db()
    assert request.sought == legacy
