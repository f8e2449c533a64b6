"""Matchmaking events made through the services, for the tests and the integration seed."""

from clusterloom.events.services import event_create


def textiles_event(organiser, partnership, *, opens, closes, **data):
    """The B2B event "Textiles meet automotive" in Prato (Europe/Rome), a draft of `partnership`
    open for registration from `opens` to `closes`; `data` changes or adds settings (kind,
    format, request mode and expiry are the service's defaults: B2B, on site, approval, 72 h)."""
    return event_create(
        actor=organiser,
        partnership=partnership,
        data={
            "title": "Textiles meet automotive",
            "venue": "Prato",
            "time_zone": "Europe/Rome",
            "registration_opens": opens,
            "registration_closes": closes,
            **data,
        },
    )
