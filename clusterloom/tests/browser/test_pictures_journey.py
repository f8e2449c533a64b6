"""Photos, logos and the contact person in a real browser: a member adds a photo and publishes
a profile, a cluster manager adds a logo (a file that is no picture is refused with the
reason), a coordinator makes the member the partnership's contact person; the organisation
page, the partnership profile and the event's participant list show them at 1366 and 390 px
without scrolling sideways."""

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from .conftest import log_in, overflow, screenshot, tab_at

pytestmark = pytest.mark.django_db(transaction=True)


def _photo(path):
    """A portrait-like picture: a face-coloured disc on a blue background, as a phone JPEG."""
    image = Image.new("RGB", (900, 1200), (70, 110, 170))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 250, 650, 700), fill=(235, 200, 170))
    draw.rectangle((200, 750, 700, 1200), fill=(40, 60, 90))
    image.save(path, "JPEG", quality=90)
    return path


def _logo(path):
    """A wide logo with a transparent background."""
    image = Image.new("RGBA", (1200, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, 60, 380, 340), radius=60, fill=(200, 40, 60, 255))
    draw.rectangle((430, 150, 1160, 250), fill=(30, 50, 90, 255))
    image.save(path, "PNG")
    return path


def _upload(tab, label, path):
    tab.get_by_label(label).set_input_files(str(path))
    tab.get_by_role("button", name="Upload").click()


def test_photos_logos_and_the_contact_person(browser, live_server, homes_world, tmp_path, media):
    from clusterloom.directory.models import Organisation
    from clusterloom.directory.pictures import person_photo_set
    from clusterloom.events.models import Participant

    event = homes_world
    context, tab = tab_at(browser, live_server, 1366)

    # The member adds a photo and agrees to a public profile.
    log_in(tab, "member")
    tab.goto("/accounts/me/")
    tab.get_by_role("link", name="Add a photo").click()
    _upload(tab, "Photo", _photo(tmp_path / "IMG_0042.JPG"))
    expect(tab.get_by_text("Your photo has been saved.")).to_be_visible()
    expect(tab.locator("#current-picture img.picture-photo")).to_be_visible()
    tab.goto("/accounts/me/")
    tab.get_by_label("Show my name, job title and photo on public pages").check()
    tab.get_by_role("button", name="Save").click()
    expect(tab.get_by_text("Your choices have been saved.")).to_be_visible()
    context.close()

    # The CLUTEX manager tries a file that is no picture, then adds the logo.
    clutex = Organisation.objects.get(name__istartswith="CLUTEX")
    context, tab = tab_at(browser, live_server, 1366)
    log_in(tab, "clutex")
    tab.goto(f"/organisations/{clutex.slug}/")
    tab.get_by_role("link", name="Add a logo").click()
    fake = tmp_path / "logo.png"
    fake.write_text("<html><body>not a logo</body></html>")
    _upload(tab, "Logo", fake)
    expect(
        tab.get_by_text("logo.png is an HTML page; upload a JPEG, PNG or WebP image.")
    ).to_be_visible()
    _upload(tab, "Logo", _logo(tmp_path / "clutex-logo.png"))
    expect(tab.get_by_text("The logo has been saved.")).to_be_visible()
    context.close()

    # The coordinator makes the member the contact person of EXTRATEX.
    context, tab = tab_at(browser, live_server, 1366)
    log_in(tab, "coordinator")
    tab.goto("/partnerships/extratex/edit/")
    tab.get_by_label("Contact person").select_option(label="Lucía Demo, Innovation manager (AECIM)")
    tab.get_by_role("button", name="Save").click()
    expect(tab.locator("#contact-person")).to_contain_text("Lucía Demo")
    context.close()

    # A fellow participant has a photo too.
    giulia = Participant.objects.get(event=event, user__username="giulia")
    with open(_photo(tmp_path / "giulia.jpg"), "rb") as f:
        person_photo_set(
            actor=giulia.user, person=giulia.person, file_name="g.jpg", content=f.read()
        )

    for width in (1366, 390):
        # The public: the profile with its contact (no address) and the partners' logos.
        context, tab = tab_at(browser, live_server, width)
        tab.goto("/partnerships/extratex/")
        card = tab.locator("#contact-person")
        expect(card).to_contain_text("Innovation manager")
        expect(card.locator("img.picture-photo")).to_be_visible()
        expect(card.get_by_role("link", name="Sign in to see how to reach Lucía")).to_be_visible()
        assert "member@example.org" not in tab.content()
        partner_logo = tab.locator("#composition img.picture-logo")
        expect(partner_logo).to_have_count(1)
        partner_logo.scroll_into_view_if_needed()  # loaded lazily, once it comes into view
        expect(partner_logo).to_have_js_property("complete", True)
        assert partner_logo.evaluate("img => img.naturalWidth") == 512
        screenshot(tab, f"pictures-partnership-{width}")
        assert overflow(tab) <= 0
        tab.goto(f"/organisations/{clutex.slug}/")
        logo = tab.locator("#organisation-heading img.picture-logo")
        expect(logo).to_be_visible()
        assert logo.evaluate("img => img.naturalWidth") == 512
        screenshot(tab, f"pictures-organisation-{width}")
        assert overflow(tab) <= 0
        # A participant: the list with photos and initials.
        log_in(tab, "member")
        tab.goto(f"/events/{event.slug}/participants/")
        listing = tab.locator("#participants")
        expect(listing.locator("img.picture-photo")).to_have_count(2)
        for img in listing.locator("img.picture-photo").all():
            assert img.evaluate("img => img.complete && img.naturalWidth") == 256
        screenshot(tab, f"pictures-participants-{width}")
        assert overflow(tab) <= 0
        context.close()
