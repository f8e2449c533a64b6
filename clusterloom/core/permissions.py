"""Who may see or change what: every rule of the platform, in one place.

Roles: platform admin (superuser), partnership coordinator (Partnership.coordinators), cluster
manager (Organisation.managers), member (a Person linked to a user) and the anonymous public.
Views and API endpoints ask `user.has_perm(PERM, obj)`; this backend answers from RULES.
"""

from collections.abc import Callable

from django.contrib.auth.backends import ModelBackend


def is_admin(user) -> bool:
    """A platform admin may do everything."""
    return bool(user and user.is_active and user.is_superuser)


def coordinated_partnership_ids(user) -> set[int]:
    """Ids of the partnerships the user coordinates."""
    if not (user and user.is_authenticated):
        return set()
    if not hasattr(user, "_coordinated_ids"):
        user._coordinated_ids = set(user.coordinated_partnerships.values_list("id", flat=True))
    return user._coordinated_ids


def managed_organisation_ids(user) -> set[int]:
    """Ids of the organisations (clusters) the user manages."""
    if not (user and user.is_authenticated):
        return set()
    if not hasattr(user, "_managed_ids"):
        user._managed_ids = set(user.managed_organisations.values_list("id", flat=True))
    return user._managed_ids


def organisations_of_coordinated(user) -> set[int]:
    """Ids of the organisations that are partners of a partnership the user coordinates."""
    ids = coordinated_partnership_ids(user)
    if not ids:
        return set()
    if not hasattr(user, "_partner_org_ids"):
        from django.apps import apps

        member = apps.get_model("partnerships", "PartnershipMember")
        user._partner_org_ids = set(
            member.objects.filter(partnership_id__in=ids).values_list("organisation_id", flat=True)
        )
    return user._partner_org_ids


def roles_of(user) -> list[str]:
    """The role names a user holds, for display."""
    roles = []
    if is_admin(user):
        roles.append("admin")
    if coordinated_partnership_ids(user):
        roles.append("coordinator")
    if managed_organisation_ids(user):
        roles.append("cluster_manager")
    if user.is_authenticated and hasattr(user, "person"):
        roles.append("member")
    return roles


def _coordinates(user, partnership) -> bool:
    return partnership is not None and partnership.pk in coordinated_partnership_ids(user)


def _may_change_organisation(user, organisation) -> bool:
    if organisation is None:
        return False
    return organisation.pk in managed_organisation_ids(user) or (
        organisation.pk in organisations_of_coordinated(user)
    )


def _manages(user, organisation) -> bool:
    return organisation is not None and organisation.pk in managed_organisation_ids(user)


def _is_person(user, person) -> bool:
    return person is not None and user.is_authenticated and person.user_id == user.pk


def _may_see_person_contact(user, person) -> bool:
    if person is None or not user.is_authenticated:
        return False
    return person.user_id == user.pk or _may_change_organisation(user, person.organisation)


def _is_staff_role(user, obj=None) -> bool:
    return bool(coordinated_partnership_ids(user) or managed_organisation_ids(user))


def _may_view_partnership(user, partnership) -> bool:
    return partnership is None or partnership.is_published or _coordinates(user, partnership)


def _acts_for(user, registration) -> bool:
    """The user submitted this application or hosting offer, is its contact person or manages
    its organisation."""
    if registration is None or not user.is_authenticated:
        return False
    person = getattr(user, "person", None)
    return (
        registration.submitted_by_id == user.pk
        or (person is not None and registration.person_id == person.pk)
        or registration.organisation_id in managed_organisation_ids(user)
    )


def _has_organisation(user, obj=None) -> bool:
    return bool(getattr(user, "person", None) is not None or managed_organisation_ids(user))


def _coordinates_call(user, call) -> bool:
    return call is not None and _coordinates(user, call.partnership)


def _may_view_call(user, call) -> bool:
    if call is None:
        return True
    if _coordinates_call(user, call):
        return True
    return call.status != "draft" and call.partnership.is_published


def _may_apply(user, call) -> bool:
    # Whether the call is open is the service's rule, with its own message.
    return _has_organisation(user)


def _exchange_visitor(user, exchange) -> bool:
    return exchange is not None and _acts_for(user, exchange.application)


def _exchange_host(user, exchange) -> bool:
    return exchange is not None and _acts_for(user, exchange.offer)


def _exchange_partnership(user, exchange) -> bool:
    """Coordinator of the visitor's or the host's partnership."""
    return exchange is not None and (
        _coordinates(user, exchange.application.call.partnership)
        or _coordinates(user, exchange.offer.partnership)
    )


def _may_view_exchange(user, exchange) -> bool:
    return (
        _exchange_visitor(user, exchange)
        or _exchange_host(user, exchange)
        or _exchange_partnership(user, exchange)
    )


def _may_view_application(user, application) -> bool:
    return application is not None and (
        _acts_for(user, application) or _coordinates_call(user, application.call)
    )


def _may_view_offer(user, offer) -> bool:
    if offer is None:
        return True
    if offer.status == "validated":
        return user.is_authenticated
    return _acts_for(user, offer) or _coordinates(user, offer.partnership)


def _organises(user, event) -> bool:
    """Coordinator of the partnership that holds the event."""
    return event is not None and _coordinates(user, event.partnership)


def _may_view_event(user, event) -> bool:
    if event is None:
        return True
    return _organises(user, event) or (event.status != "draft" and event.partnership.is_published)


def _is_participant_user(user, participant) -> bool:
    return participant is not None and user.is_authenticated and participant.user_id == user.pk


def _may_view_participant(user, participant) -> bool:
    if participant is None:
        return False
    if _is_participant_user(user, participant) or _organises(user, participant.event):
        return True
    return (
        participant.consent_public
        and participant.status == "approved"
        and user.is_authenticated
        and participant.event.participants.filter(user=user, status="approved").exists()
    )


def _meeting_side(user, meeting) -> bool:
    return (
        meeting is not None
        and user.is_authenticated
        and user.pk
        in (
            meeting.requester.user_id,
            meeting.invitee.user_id,
        )
    )


def _may_view_published(user, obj, may_change) -> bool:
    """Published items are public; unpublished ones only for those who may change them."""
    if obj is None:
        return True
    return bool(getattr(obj, "is_published", False)) or may_change(user, obj)


def _may_change_label(user, label) -> bool:
    """A cluster's labels, benchmarkings and services: its managers, its partnerships'
    coordinators."""
    return label is not None and _may_change_organisation(user, label.organisation)


def _may_change_strategy(user, strategy) -> bool:
    """A cluster strategy: the cluster's managers (and its partnerships' coordinators); a joint
    strategy: the partnership's coordinators."""
    if strategy is None:
        return False
    if strategy.scope == "joint":
        return _coordinates(user, strategy.partnership)
    return _may_change_organisation(user, strategy.organisation)


def _may_add_strategy(user, owner) -> bool:
    """`owner` is the cluster organisation or, for a joint strategy, the partnership."""
    if owner is None:
        return _is_staff_role(user)
    if owner._meta.model_name == "partnership":
        return _coordinates(user, owner)
    return _may_change_organisation(user, owner)


def _may_change_indicator_set(user, indicator_set) -> bool:
    """Sets a partnership defined: its coordinators; preloaded and shared sets: admins."""
    return (
        indicator_set is not None
        and indicator_set.partnership_id is not None
        and _coordinates(user, indicator_set.partnership)
    )


def _may_view_activity(user, activity) -> bool:
    if activity is None:
        return True
    if _coordinates(user, activity.partnership):
        return True
    return activity.is_published and activity.partnership.is_published


Rule = Callable[..., bool]

#: permission name -> rule(user, obj) -> bool. Admins pass every rule.
RULES: dict[str, Rule] = {
    "partnerships.view_partnership": _may_view_partnership,
    "partnerships.add_partnership": lambda user, obj=None: False,
    "partnerships.change_partnership": _coordinates,
    "partnerships.delete_partnership": lambda user, obj=None: False,
    "partnerships.confirm_target": _coordinates,
    "partnerships.import_profile": lambda user, obj=None: (
        obj is not None and _coordinates(user, obj)
    ),
    "directory.add_organisation": _is_staff_role,
    "directory.change_organisation": _may_change_organisation,
    "directory.delete_organisation": lambda user, obj=None: False,
    "directory.import_members": _may_change_organisation,
    "directory.import_cordis": lambda user, obj=None: False,
    "directory.view_person": _may_see_person_contact,
    "directory.change_person": _may_see_person_contact,
    "directory.erase_person": _may_see_person_contact,
    # A photo, and what a person publishes, is the person's own to decide; a logo its
    # organisation's managers'.
    "directory.change_photo": _is_person,
    "directory.publish_person": _is_person,
    "directory.change_logo": _manages,
    "geo.change_region": lambda user, obj=None: bool(coordinated_partnership_ids(user)),
    "taxonomy.change_term": lambda user, obj=None: False,
    # Partner matching: members, cluster managers and coordinators post and answer requests;
    # only the poster (or an admin) changes or closes one; nobody answers their own.
    "matching.add_partnerrequest": lambda user, obj=None: bool(
        getattr(user, "person", None) is not None
        or managed_organisation_ids(user)
        or coordinated_partnership_ids(user)
    ),
    "matching.change_partnerrequest": lambda user, obj=None: (
        obj is not None and obj.posted_by_id == user.pk
    ),
    "matching.follow_partnerrequest": lambda user, obj=None: bool(
        (
            getattr(user, "person", None) is not None
            or managed_organisation_ids(user)
            or coordinated_partnership_ids(user)
        )
        and (obj is None or obj.posted_by_id != user.pk)
    ),
    "matching.express_interest": lambda user, obj=None: bool(
        (
            getattr(user, "person", None) is not None
            or managed_organisation_ids(user)
            or coordinated_partnership_ids(user)
        )
        and (obj is None or obj.posted_by_id != user.pk)
    ),
    "matching.change_sectoraffinity": lambda user, obj=None: bool(
        coordinated_partnership_ids(user)
    ),
    # ClusterXchange. Calls: coordinators of the partnership; visitors and hosts act for their
    # own registrations; an exchange is seen by its visitor, its host and both partnerships.
    "exchanges.view_exchangecall": _may_view_call,
    "exchanges.add_exchangecall": _coordinates,
    "exchanges.change_exchangecall": _coordinates_call,
    "exchanges.apply": _may_apply,
    "exchanges.view_application": _may_view_application,
    "exchanges.change_application": _acts_for,
    "exchanges.review_application": lambda user, obj=None: (
        obj is not None and _coordinates_call(user, obj.call)
    ),
    "exchanges.add_hostingoffer": _has_organisation,
    "exchanges.view_hostingoffer": _may_view_offer,
    "exchanges.change_hostingoffer": _acts_for,
    "exchanges.review_hostingoffer": lambda user, obj=None: (
        obj is not None and _coordinates(user, obj.partnership)
    ),
    "exchanges.view_exchange": _may_view_exchange,
    "exchanges.act_as_visitor": _exchange_visitor,
    "exchanges.act_as_host": _exchange_host,
    "exchanges.sign_for_visitor_partnership": lambda user, obj=None: (
        obj is not None and _coordinates(user, obj.application.call.partnership)
    ),
    "exchanges.sign_for_host_partnership": lambda user, obj=None: (
        obj is not None and _coordinates(user, obj.offer.partnership)
    ),
    "exchanges.validate_exchange": lambda user, obj=None: (
        obj is not None and _coordinates(user, obj.application.call.partnership)
    ),
    "exchanges.allocate_call": _coordinates_call,
    # Matchmaking events: organisers are the coordinators of the event's partnership.
    "events.view_event": _may_view_event,
    "events.add_event": _coordinates,
    "events.change_event": _organises,
    "events.register": _has_organisation,
    "events.view_participant": _may_view_participant,
    "events.change_participant": lambda user, obj=None: (
        obj is not None and (_is_participant_user(user, obj) or _organises(user, obj.event))
    ),
    "events.approve_participant": lambda user, obj=None: (
        obj is not None and _organises(user, obj.event)
    ),
    "events.request_meeting": lambda user, obj=None: (
        _is_participant_user(user, obj) and obj.status == "approved"
    ),
    "events.answer_meeting": lambda user, obj=None: (
        obj is not None and user.is_authenticated and obj.invitee.user_id == user.pk
    ),
    "events.cancel_meeting": lambda user, obj=None: (
        obj is not None and (_meeting_side(user, obj) or _organises(user, obj.event))
    ),
    "events.view_meeting": lambda user, obj=None: (
        obj is not None and (_meeting_side(user, obj) or _organises(user, obj.event))
    ),
    "events.give_feedback": _meeting_side,
    # Excellence: a cluster's labels, benchmarkings and services are changed by its managers and
    # by the coordinators of the partnerships it belongs to; published items are public.
    "excellence.view_label": lambda user, obj=None: _may_view_published(
        user, obj, _may_change_label
    ),
    "excellence.add_label": _may_change_organisation,  # obj: the cluster organisation
    "excellence.change_label": _may_change_label,
    "excellence.view_benchmarking": lambda user, obj=None: _may_view_published(
        user, obj, _may_change_label
    ),
    "excellence.add_benchmarking": _may_change_organisation,  # obj: the cluster organisation
    "excellence.change_benchmarking": _may_change_label,
    "excellence.add_indicatorset": _coordinates,  # obj: the partnership
    "excellence.change_indicatorset": _may_change_indicator_set,
    "excellence.view_clusterservice": lambda user, obj=None: _may_view_published(
        user, obj, _may_change_label
    ),
    "excellence.add_clusterservice": _may_change_organisation,  # obj: the cluster organisation
    "excellence.change_clusterservice": _may_change_label,
    # Strategies: a cluster manager edits only their own cluster's; coordinators the joint one.
    "excellence.view_strategy": lambda user, obj=None: _may_view_published(
        user, obj, _may_change_strategy
    ),
    "excellence.add_strategy": _may_add_strategy,
    "excellence.change_strategy": _may_change_strategy,
    # Joint activities: the partnership's coordinators record them; published ones are public.
    "activities.view_activity": _may_view_activity,
    "activities.add_activity": _coordinates,  # obj: the partnership
    "activities.change_activity": lambda user, obj=None: (
        obj is not None and _coordinates(user, obj.partnership)
    ),
    # Reporting: KPIs of a published partnership are public (its targets are); the dashboard
    # and the funder report are for its coordinators.
    "reporting.view_kpis": _may_view_partnership,
    "reporting.view_dashboard": _coordinates,
    "reporting.download_report": _coordinates,
}


#: Permissions an anonymous visitor may hold (their rule still decides).
PUBLIC_PERMISSIONS = frozenset(
    {
        "partnerships.view_partnership",
        "exchanges.view_exchangecall",
        "events.view_event",
        "excellence.view_label",
        "excellence.view_benchmarking",
        "excellence.view_clusterservice",
        "excellence.view_strategy",
        "activities.view_activity",
        "reporting.view_kpis",
    }
)


def has_rule_perm(user, perm: str, obj=None) -> bool:
    """Answer one permission question for a user (anonymous included)."""
    if user is None or (user.is_authenticated and not user.is_active):
        return False
    if is_admin(user):
        return True
    rule = RULES.get(perm)
    if rule is None:
        return False
    if not user.is_authenticated and perm not in PUBLIC_PERMISSIONS:
        return False
    return bool(rule(user, obj))


class RoleBackend(ModelBackend):
    """Django authentication backend that answers `has_perm` from RULES."""

    def has_perm(self, user_obj, perm, obj=None):
        if perm in RULES:
            return has_rule_perm(user_obj, perm, obj)
        return super().has_perm(user_obj, perm, obj)


def require(user, perm: str, obj=None) -> None:
    """Raise the domain's PermissionDenied unless the user holds the permission."""
    from .errors import PermissionDenied

    if not has_rule_perm(user, perm, obj):
        from django.utils.translation import gettext as _

        raise PermissionDenied(_("You are not allowed to do this."))


def page_permission(request, perm: str, obj=None):
    """For pages: None when the user holds the permission, a redirect to the login page when
    anonymous, otherwise Django's PermissionDenied (a 403)."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied as Forbidden

    if request.user.has_perm(perm, obj):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Forbidden
