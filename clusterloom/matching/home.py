"""What partner matching puts on a user's home page: their own partner requests and the ones
they follow, with the interest they received."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterloom.core.home import HomeItem, HomeSection
from clusterloom.core.permissions import managed_organisation_ids

from .models import PartnerRequest

#: At most this many requests on the home page.
SHOWN = 8


def sections(user) -> list[HomeSection]:
    """Partner requests the user posted, that their organisations posted, or that they follow."""
    if not user.is_authenticated:
        return []
    rows = list(
        PartnerRequest.objects.filter(
            Q(posted_by=user)
            | Q(organisation_id__in=managed_organisation_ids(user))
            | Q(followers=user)
        )
        .distinct()
        .select_related("organisation")
        .annotate(answers=Count("interests", distinct=True))
        .order_by("-created_at")[:SHOWN]
    )
    if not rows:
        return []
    return [
        HomeSection(
            key="my-requests",
            heading=_("My partner requests"),
            items=[
                HomeItem(
                    title=row.title,
                    link=reverse("partner_request_detail", args=[row.pk]),
                    detail=", ".join(
                        [
                            row.organisation.name,
                            row.get_status_display(),
                            ngettext("%(n)d interested", "%(n)d interested", row.answers)
                            % {"n": row.answers},
                        ]
                    ),
                    when=row.deadline,
                )
                for row in rows
            ],
            links=[(_("All partner requests"), reverse("partner_request_list"))],
        )
    ]
