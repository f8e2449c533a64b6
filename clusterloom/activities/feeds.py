"""The Atom feed of a partnership: its published activities and whatever other apps add to
the partnership's feed (its matchmaking events), newest first."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import linebreaks
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clusterloom.partnerships.feed import FeedEntry, feed_entries
from clusterloom.partnerships.models import Partnership

from .selectors import public_activities

#: Entries in the feed (the newest).
FEED_ITEMS = 50


def period(activity) -> str:
    """ "3 March 2026" or "3 March 2026 – 5 March 2026"."""
    start = date_format(activity.starts_on, "DATE_FORMAT")
    if activity.ends_on == activity.starts_on:
        return start
    return f"{start} – {date_format(activity.ends_on, 'DATE_FORMAT')}"


def activity_entries(partnership) -> list[FeedEntry]:
    """The partnership's public activities as feed entries (registered in apps.py)."""
    out = []
    for item in public_activities(partnership)[:FEED_ITEMS]:
        parts = [period(item), item.get_status_display()]
        place = _("online") if item.is_online else item.city_name
        if place:
            parts.append(place)
        if item.organiser_id:
            parts.append(_("organised by %(name)s") % {"name": item.organiser.name})
        text = " · ".join(str(p) for p in parts)
        if item.description:
            text = f"{text}\n\n{item.description}"
        out.append(
            FeedEntry(
                key=f"activity-{item.pk}",
                kind=capfirst(item.get_kind_display()),
                title=item.title,
                summary=text,
                link=reverse("activity_detail", args=[item.pk]),
                starts_on=item.starts_on,
                created=item.created_at,
                updated=item.updated_at,
                source="activities",
            )
        )
    return out


class PartnershipActivityFeed(Feed):
    """Published, planned and held activities (and matchmaking events) of a published
    partnership, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        partnership = Partnership.objects.filter(slug=slug, is_published=True).first()
        if partnership is None:
            raise Http404
        return partnership

    def title(self, obj):
        return _("%(acronym)s: joint activities") % {"acronym": obj.acronym}

    def subtitle(self, obj):
        return obj.title

    def link(self, obj):
        return reverse("activity_feed_page", args=[obj.slug])

    def feed_url(self, obj):
        return reverse("activity_feed", args=[obj.slug])

    def author_name(self, obj):
        return obj.acronym

    def items(self, obj):
        return feed_entries(obj, limit=FEED_ITEMS)

    def item_title(self, item):
        return f"{item.kind}: {item.title}"

    def item_description(self, item):
        # The summary is HTML to feed readers: the users' text is escaped, not interpreted.
        return linebreaks(item.summary, autoescape=True)

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.link

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [item.kind]
