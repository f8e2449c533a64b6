"""Directory pages: search, an organisation's page, edit, member-list import, people (GDPR)."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.forms import form_error
from clusterloom.core.page_cache import public_page
from clusterloom.core.pages import form_page
from clusterloom.core.permissions import page_permission
from clusterloom.core.uploads import upload_check_size
from clusterloom.taxonomy.selectors import terms_by_vocabulary

from . import selectors, services
from .forms import ClusterForm, MembersImportForm, OrganisationForm, SearchForm
from .imports import MemberImportFailed
from .models import Cluster, Organisation, Person
from .validity import cluster_validity


@public_page
def organisation_list(request):
    """The directory: search and filters; htmx requests get only the results."""
    form = SearchForm(request.GET or None)
    filters = selectors.DirectoryFilters.from_mapping(request.GET)
    language = get_language()
    found = selectors.directory_search(
        filters, request.GET.get("page"), user=request.user, language=language
    )
    page = found.page
    page.object_list = selectors.directory_rows(
        page.object_list, language=language, current=found.current
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "facets": facet_links(found.facets, query),
        "text": found.text,
        "query": query.urlencode(),
        "may_add": request.user.has_perm("directory.add_organisation"),
    }
    if request.headers.get("HX-Request"):
        return render(request, "directory/_results.html", context)
    return render(request, "directory/organisation_list.html", context)


def facet_links(facets, query) -> list:
    """Each facet value with the link that applies it (or removes it when applied): the
    query string QueryDict.urlencode() gives for a copy of `query` with the facet's parameter
    set to the value (or removed), built from the other parameters encoded once instead of a
    copy and an encoding of the whole query per value (~40 a page)."""

    def piece(key: str, value) -> str:
        return urlencode({key.encode(query.encoding): str(value).encode(query.encoding)})

    encoded = [(key, [piece(key, value) for value in values]) for key, values in query.lists()]
    result = []
    for facet in facets:
        keys = [key for key, _pieces in encoded]
        at = keys.index(facet.name) if facet.name in keys else len(encoded)
        before = "&".join(p for _key, pieces in encoded[:at] for p in pieces)
        after = "&".join(p for _key, pieces in encoded[at + 1 :] for p in pieces)
        links = []
        for value in facet.values:
            parts = (
                [before, after]
                if value.selected
                else [before, piece(facet.name, value.value), after]
            )
            links.append((value, "&".join(part for part in parts if part)))
        if links:
            result.append((facet, links))
    return result


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(
        selectors.organisations_visible_to(None).select_related("country", "region", "city"),
        slug=slug,
    )


@public_page
def organisation_detail(request, slug):
    """An organisation's page: profile, terms, partnerships, cluster block, people."""
    organisation = _organisation(slug)
    cluster = Cluster.objects.filter(organisation=organisation).first()
    members = []
    if cluster is not None:
        cluster.organisation = organisation  # read above: not again for its website
        members = list(selectors.cluster_members(cluster))
    context = {
        "organisation": organisation,
        "terms": terms_by_vocabulary(organisation.terms.order_by("name")),
        "partnerships": organisation.partnership_memberships.select_related("partnership"),
        "cluster": cluster,
        "members": members,
        "validity": cluster_validity(cluster, members) if cluster else None,
        "member_of": organisation.cluster_memberships.select_related("cluster__organisation"),
        "people": selectors.people_visible_to(request.user, organisation),
        "may_edit": request.user.has_perm("directory.change_organisation", organisation),
        "may_change_logo": request.user.has_perm("directory.change_logo", organisation),
        "may_import": organisation.is_cluster_like
        and request.user.has_perm("directory.import_members", organisation),
    }
    return render(request, "directory/organisation_detail.html", context)


def organisation_create(request):
    """Add an organisation to the directory; whoever adds it (unless admin) may then edit it."""
    return form_page(
        request,
        OrganisationForm(request.POST or None),
        permission=("directory.add_organisation",),
        template="directory/organisation_create.html",
        save=lambda data: services.organisation_add(actor=request.user, data=dict(data)),
        message=_("The organisation has been added to the directory."),
        done=lambda organisation: ("organisation_detail", organisation.slug),
        invalid_status=200,
    )


def organisation_edit(request, slug):
    """Edit an organisation (and its cluster's figures) for those allowed."""
    organisation = _organisation(slug)
    cluster = Cluster.objects.filter(organisation=organisation).first()
    data = request.POST if request.method == "POST" else None
    form = OrganisationForm(data, initial=OrganisationForm.initial_for(organisation))
    cluster_form = None
    if organisation.is_cluster_like:
        cluster_initial = {}
        if cluster and data is None:
            cluster_initial = {
                "member_count": cluster.member_count,
                "sme_count": cluster.sme_count,
                "management_fte": cluster.management_fte,
                "declared_member_kinds": cluster.declared_member_kinds,
                "website_in_english": cluster.website_in_english,
            }
        cluster_form = ClusterForm(data, initial=cluster_initial, prefix="cluster")

    @transaction.atomic
    def save(cleaned):
        services.organisation_update(
            actor=request.user, organisation=organisation, data=dict(cleaned)
        )
        if cluster_form is not None:
            services.cluster_update(
                actor=request.user,
                cluster=cluster
                or services.cluster_get_or_create(actor=request.user, organisation=organisation)[0],
                data=dict(cluster_form.cleaned_data),
            )

    def error(form, failure):
        on_cluster = cluster_form is not None and failure.field in cluster_form.fields
        form_error(cluster_form if on_cluster else form, failure)

    return form_page(
        request,
        form,
        also=[cluster_form] if cluster_form is not None else [],
        permission=("directory.change_organisation", organisation),
        template="directory/organisation_edit.html",
        context={"organisation": organisation, "cluster_form": cluster_form},
        save=save,
        error=error,
        message=_("The organisation has been saved."),
        done=("organisation_detail", organisation.slug),
        invalid_status=200,
    )


def members_import(request, slug):
    """Upload a cluster's member list (CSV or XLSX): all rows or none."""
    organisation = _organisation(slug)
    post = request.method == "POST"
    form = MembersImportForm(request.POST, request.FILES) if post else MembersImportForm()
    problems: list[str] = []

    @transaction.atomic
    def save(data):
        upload = data["file"]
        upload_check_size(upload.size)
        content = upload.read()
        cluster, _created = services.cluster_get_or_create(
            actor=request.user, organisation=organisation
        )
        return services.cluster_members_import(
            actor=request.user, cluster=cluster, file_name=upload.name, content=content
        )

    def error(form, failure):
        if isinstance(failure, MemberImportFailed):
            problems.extend(failure.problems)
            form.add_error("file", _("Nothing was imported. Fix these problems and retry."))
        else:
            form.add_error("file", failure.message)

    return form_page(
        request,
        form,
        permission=("directory.import_members", organisation),
        template="directory/members_import.html",
        context=lambda form: {"organisation": organisation, "problems": problems},
        save=save,
        error=error,
        message=lambda result: (
            _(
                "%(rows)d rows read: %(added)d members added (%(created)d new "
                "organisations), %(already)d already members."
            )
            % {
                "rows": result.rows,
                "added": result.added,
                "created": result.created,
                "already": result.already,
            }
        ),
        done=("organisation_detail", organisation.slug),
    )


def person_export(request, pk):
    """Download what the directory holds about a person (GDPR Art. 15/20)."""
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    denied = page_permission(request, "directory.view_person", person)
    if denied:
        return denied
    data = services.person_export(person=person)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@require_POST
def person_erase(request, pk):
    """Anonymise a person (GDPR Art. 17) after confirmation."""
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    denied = page_permission(request, "directory.erase_person", person)
    if denied:
        return denied
    if request.POST.get("confirm") != "erase":
        messages.error(request, _("Type “erase” to confirm."))
    else:
        services.person_erase(actor=request.user, person=person)
        messages.success(request, _("The person's data has been erased."))
    return redirect("organisation_detail", slug=person.organisation.slug)
