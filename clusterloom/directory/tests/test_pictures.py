"""A person's photo and an organisation's logo: who may set them, where they are shown, and
that they go with the person's data (export, erasure)."""

import base64
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clusterloom.core.errors import PermissionDenied
from clusterloom.directory import pictures
from clusterloom.directory.models import Person
from clusterloom.tests.connections import connection_kept

from .factories import MemberUserFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def jpeg(size=(640, 480), colour=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(name="me.jpg", content=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg() if content is None else content, content_type)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (deleting replaced files) as a real commit would."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def colleague(organisation):
    """A member at the cluster organisation, with a public profile."""
    user = MemberUserFactory(person__organisation=organisation, person__consent_public=True)
    return user


def test_a_person_adds_a_photo_shown_beside_their_name(client, colleague, organisation, media):
    person = colleague.person
    client.force_login(colleague)
    url = reverse("person_photo", args=[person.pk])
    assert 'id="picture-form"' in client.get(url).content.decode()

    response = client.post(url, {"photo": upload()})

    assert response.status_code == 302 and response["Location"] == url
    person.refresh_from_db()
    assert person.photo.name.startswith(f"people/{person.pk}/") and person.photo.name.endswith(
        ".jpg"
    )
    stored = media / person.photo.name
    with Image.open(stored) as image:
        assert image.size == (256, 256)
    page = client.get(reverse("organisation_detail", args=[organisation.slug])).content.decode()
    source = reverse("picture_file", args=["people", person.pk, stored.name])
    assert f'src="{source}"' in page
    served = client.get(source)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, max-age=86400"
    assert b"".join(served.streaming_content) == stored.read_bytes()
    with connection_kept():  # closing the response fires request_finished (see the helper)
        served.close()
    # Anyone else sees the picture as the page shows it, but no other name finds it.
    client.logout()
    served = client.get(source)
    assert served.status_code == 200
    with connection_kept():  # closing the response fires request_finished (see the helper)
        served.close()
    wrong = reverse("picture_file", args=["people", person.pk, "0" * 32 + ".jpg"])
    assert client.get(wrong).status_code == 404
    assert (
        client.get(reverse("picture_file", args=["other", person.pk, "x.jpg"])).status_code == 404
    )


def test_a_new_photo_replaces_the_old_file_and_removing_it_shows_initials(
    client, colleague, organisation, media, committed
):
    person = colleague.person
    client.force_login(colleague)
    url = reverse("person_photo", args=[person.pk])
    client.post(url, {"photo": upload()})
    person.refresh_from_db()
    first = media / person.photo.name
    with committed(execute=True):
        client.post(url, {"photo": upload("new.png", _png(), "image/png")})
    person.refresh_from_db()
    assert not first.exists() and (media / person.photo.name).exists()

    with committed(execute=True):
        response = client.post(url, {"remove": "1"}, follow=True)

    assert "Your photo has been removed." in response.content.decode()
    person.refresh_from_db()
    assert not person.photo and not any(media.rglob("*.*"))
    page = client.get(reverse("organisation_detail", args=[organisation.slug])).content.decode()
    initials = f"{person.first_name[0]}{person.last_name[0]}".upper()
    assert f'style="width:48px;height:48px;font-size:19px">{initials}</span>' in page


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 200, 10)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, content_type, words",
    [
        ("me.jpg", b"%PDF-1.4 not a picture %%EOF", "image/jpeg", "me.jpg is a PDF document"),
        ("me.jpg", b"<html><script>alert(1)</script>", "image/jpeg", "me.jpg is an HTML page"),
        ("me.png", None, "image/png", "me.png is a JPEG image, but its name ends in .png"),
        ("me.jpg", None, "image/gif", "me.jpg is a JPEG image, but was sent as image/gif"),
    ],
)
def test_a_refused_upload_says_why_on_the_form_and_keeps_the_photo(
    client, colleague, media, name, content, content_type, words
):
    client.force_login(colleague)
    response = client.post(
        reverse("person_photo", args=[colleague.person.pk]),
        {"photo": upload(name, content, content_type)},
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    colleague.person.refresh_from_db()
    assert not colleague.person.photo and not any(media.rglob("*.*"))


def test_an_oversized_photo_is_refused_naming_the_limit(client, colleague, media, settings):
    settings.UPLOAD_MAX_BYTES = 20_000
    client.force_login(colleague)
    response = client.post(
        reverse("person_photo", args=[colleague.person.pk]),
        {"photo": upload(content=jpeg(size=(2000, 2000)) + b"\0" * 30_000)},
    )
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert "at most 19 KB" in response.content.decode()


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("other_member", 403),
        ("manager", 403),
        ("coordinator", 403),
        ("admin", 200),
        ("self", 200),
    ],
)
def test_only_the_person_changes_their_photo(
    client, colleague, manager_user, coordinator_user, admin_user, media, who, status
):
    users = {
        "other_member": MemberUserFactory(),
        "manager": manager_user,
        "coordinator": coordinator_user,
        "admin": admin_user,
        "self": colleague,
    }
    if who in users:
        client.force_login(users[who])
    url = reverse("person_photo", args=[colleague.person.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"photo": upload()})
    assert response.status_code == (302 if status == 200 else status)
    colleague.person.refresh_from_db()
    assert bool(colleague.person.photo) is (status == 200)
    if who in ("other_member", "manager", "coordinator"):
        with pytest.raises(PermissionDenied):
            pictures.person_photo_remove(actor=users[who], person=colleague.person)


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("member_of_it", 403),
        ("other_manager", 403),
        ("coordinator", 403),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_only_the_organisations_managers_change_its_logo(
    client,
    organisation,
    colleague,
    manager_user,
    other_manager_user,
    coordinator_user,
    admin_user,
    media,
    who,
    status,
):
    users = {
        "member_of_it": colleague,
        "other_manager": other_manager_user,
        "coordinator": coordinator_user,
        "manager": manager_user,
        "admin": admin_user,
    }
    if who in users:
        client.force_login(users[who])
    url = reverse("organisation_logo", args=[organisation.slug])
    assert client.get(url).status_code == status
    response = client.post(url, {"logo": upload("logo.png", _png(), "image/png")})
    assert response.status_code == (302 if status == 200 else status)
    organisation.refresh_from_db()
    assert bool(organisation.logo) is (status == 200)


def test_a_logo_shows_on_the_organisation_page_and_in_the_directory(
    client, organisation, manager_user, media
):
    client.force_login(manager_user)
    detail = reverse("organisation_detail", args=[organisation.slug])
    assert "Add a logo" in client.get(detail).content.decode()
    client.post(
        reverse("organisation_logo", args=[organisation.slug]),
        {"logo": upload("logo.png", _png(), "image/png")},
    )
    organisation.refresh_from_db()
    name = organisation.logo.name.rsplit("/", 1)[1]
    source = reverse("picture_file", args=["organisations", organisation.pk, name])
    client.logout()
    page = client.get(detail).content.decode()
    assert f'src="{source}"' in page and "Add a logo" not in page
    listing = client.get(reverse("organisation_list"), {"q": "CLUTEX"}).content.decode()
    assert f'src="{source}"' in listing
    served = client.get(source)
    assert served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    with connection_kept():  # closing the response fires request_finished (see the helper)
        served.close()


def test_the_photo_is_in_the_personal_data_export(client, colleague, media):
    client.force_login(colleague)
    client.post(reverse("person_photo", args=[colleague.person.pk]), {"photo": upload()})
    data = json.loads(client.get(reverse("account_export")).content)
    prefix = "data:image/jpeg;base64,"
    assert data["person"]["photo"].startswith(prefix)
    with Image.open(io.BytesIO(base64.b64decode(data["person"]["photo"][len(prefix) :]))) as im:
        assert im.size == (256, 256)
    assert json.loads(client.get(reverse("person_export", args=[colleague.person.pk])).content)[
        "photo"
    ].startswith(prefix)


def test_erasing_the_account_deletes_the_photo_file(client, colleague, media, committed):
    client.force_login(colleague)
    client.post(reverse("person_photo", args=[colleague.person.pk]), {"photo": upload()})
    person = Person.objects.get(pk=colleague.person.pk)
    stored = media / person.photo.name
    assert stored.exists()

    with committed(execute=True):
        client.post(reverse("account_erase"), {"confirm": "erase"})

    person.refresh_from_db()
    assert not person.photo and person.user_id is None
    assert not stored.exists()


def test_a_manager_erasing_a_person_deletes_the_photo_file(
    client, organisation, manager_user, media, committed
):
    person = PersonFactory(organisation=organisation, user=UserFactory())
    pictures.person_photo_set(actor=person.user, person=person, file_name="a.jpg", content=jpeg())
    stored = media / person.photo.name
    client.force_login(manager_user)
    with committed(execute=True):
        client.post(reverse("person_erase", args=[person.pk]), {"confirm": "erase"})
    person.refresh_from_db()
    assert not person.photo and not stored.exists()
