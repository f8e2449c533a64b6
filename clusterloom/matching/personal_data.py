"""Personal data in partner matching (GDPR): the partner requests a user posted, the requests
they follow, their expressions of interest with their messages, and sector affinities they
adjusted.

Erasure closes the user's open requests and takes them off the public list (nobody else may
close them once the poster is gone), forgets them as poster, follower and adjuster, and deletes
their expressions of interest.
"""

from django.utils import timezone

from clusterloom.core.audit import audit

from .models import PartnerInterest, PartnerRequest, RequestStatus, SectorAffinity

#: Fields of this app that point at a user or person, all covered by the handlers below.
COVERS = (
    "matching.PartnerRequest.posted_by",
    "matching.PartnerRequest.followers",
    "matching.PartnerInterest.user",
    "matching.SectorAffinity.adjusted_by",
)


def personal_data_export(user) -> dict | None:
    """What the user posted, follows, said and adjusted."""
    posted = PartnerRequest.objects.filter(posted_by=user).select_related("organisation")
    interests = PartnerInterest.objects.filter(user=user).select_related("request")
    data = {
        "partner_requests_posted": [
            {
                "title": r.title,
                "organisation": r.organisation.name,
                "sought": r.sought,
                "offered": r.offered,
                "status": r.status,
                "public": r.is_public,
                "posted": r.created_at.isoformat(),
            }
            for r in posted
        ],
        "partner_requests_followed": list(
            user.followed_partner_requests.values_list("title", flat=True)
        ),
        "interests_expressed": [
            {"request": i.request.title, "message": i.message, "at": i.created_at.isoformat()}
            for i in interests
        ],
        "sector_affinities_adjusted": [
            {"terms": [a.term_a, a.term_b], "adjusted": a.adjusted}
            for a in SectorAffinity.objects.filter(adjusted_by=user)
        ],
    }
    return data if any(data.values()) else None


def personal_data_erase(user) -> None:
    """Close and unpublish the user's open requests, forget them everywhere else."""
    for request in PartnerRequest.objects.filter(posted_by=user, status=RequestStatus.OPEN):
        request.status, request.closed_at = RequestStatus.CLOSED, timezone.now()
        request.is_public = False
        request.save(update_fields=["status", "closed_at", "is_public", "updated_at"])
        audit(
            user,
            "matching.request_closed",
            request,
            from_state=RequestStatus.OPEN,
            to_state=RequestStatus.CLOSED,
        )
    PartnerRequest.objects.filter(posted_by=user).update(posted_by=None)
    user.followed_partner_requests.clear()
    PartnerInterest.objects.filter(user=user).delete()
    SectorAffinity.objects.filter(adjusted_by=user).update(adjusted_by=None)
