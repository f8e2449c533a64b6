"""Directory pages: search, an organisation's page, edit, member-list import, people (GDPR)."""

import json

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.page_cache import public_page
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
    page.object_list = selectors.directory_rows(page.object_list, language=language)
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
    """Each facet value with the link that applies it (or removes it when applied)."""
    result = []
    for facet in facets:
        links = []
        for value in facet.values:
            target = query.copy()
            if value.selected:
                target.pop(facet.name, None)
            else:
                target[facet.name] = value.value
            links.append((value, target.urlencode()))
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
    context = {
        "organisation": organisation,
        "terms": terms_by_vocabulary(organisation.terms.order_by("name")),
        "partnerships": organisation.partnership_memberships.select_related("partnership"),
        "cluster": cluster,
        "members": selectors.cluster_members(cluster) if cluster else [],
        "validity": cluster_validity(cluster) if cluster else None,
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
    denied = page_permission(request, "directory.add_organisation")
    if denied:
        return denied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_add(
                actor=request.user, data=dict(form.cleaned_data)
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The organisation has been added to the directory."))
            return redirect("organisation_detail", slug=organisation.slug)
    return render(request, "directory/organisation_create.html", {"form": form})


def organisation_edit(request, slug):
    """Edit an organisation (and its cluster's figures) for those allowed."""
    organisation = _organisation(slug)
    denied = page_permission(request, "directory.change_organisation", organisation)
    if denied:
        return denied
    cluster = Cluster.objects.filter(organisation=organisation).first()
    cluster_initial = {}
    if cluster:
        cluster_initial = {
            "member_count": cluster.member_count,
            "sme_count": cluster.sme_count,
            "management_fte": cluster.management_fte,
            "declared_member_kinds": cluster.declared_member_kinds,
            "website_in_english": cluster.website_in_english,
        }
    if request.method == "POST":
        form = OrganisationForm(request.POST, initial=OrganisationForm.initial_for(organisation))
        cluster_form = (
            ClusterForm(request.POST, prefix="cluster") if organisation.is_cluster_like else None
        )
        valid = form.is_valid() and (cluster_form is None or cluster_form.is_valid())
        if valid:
            try:
                with transaction.atomic():
                    services.organisation_update(
                        actor=request.user, organisation=organisation, data=dict(form.cleaned_data)
                    )
                    if cluster_form is not None:
                        cluster = (
                            cluster
                            or services.cluster_get_or_create(
                                actor=request.user, organisation=organisation
                            )[0]
                        )
                        services.cluster_update(
                            actor=request.user,
                            cluster=cluster,
                            data=dict(cluster_form.cleaned_data),
                        )
            except DomainError as exc:
                target = (
                    cluster_form
                    if cluster_form is not None and exc.field in cluster_form.fields
                    else form
                )
                target.add_error(exc.field if exc.field in target.fields else None, exc.message)
            else:
                messages.success(request, _("The organisation has been saved."))
                return redirect("organisation_detail", slug=organisation.slug)
    else:
        form = OrganisationForm(initial=OrganisationForm.initial_for(organisation))
        cluster_form = (
            ClusterForm(initial=cluster_initial, prefix="cluster")
            if organisation.is_cluster_like
            else None
        )
    return render(
        request,
        "directory/organisation_edit.html",
        {"organisation": organisation, "form": form, "cluster_form": cluster_form},
    )


def members_import(request, slug):
    """Upload a cluster's member list (CSV or XLSX): all rows or none."""
    organisation = _organisation(slug)
    denied = page_permission(request, "directory.import_members", organisation)
    if denied:
        return denied
    problems: list[str] = []
    if request.method == "POST":
        form = MembersImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                upload_check_size(upload.size)
                content = upload.read()
                with transaction.atomic():
                    cluster, _created = services.cluster_get_or_create(
                        actor=request.user, organisation=organisation
                    )
                    result = services.cluster_members_import(
                        actor=request.user, cluster=cluster, file_name=upload.name, content=content
                    )
            except MemberImportFailed as exc:
                problems = exc.problems
                form.add_error("file", _("Nothing was imported. Fix these problems and retry."))
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "%(rows)d rows read: %(added)d members added (%(created)d new "
                        "organisations), %(already)d already members."
                    )
                    % {
                        "rows": result.rows,
                        "added": result.added,
                        "created": result.created,
                        "already": result.already,
                    },
                )
                return redirect("organisation_detail", slug=organisation.slug)
    else:
        form = MembersImportForm()
    return render(
        request,
        "directory/members_import.html",
        {"organisation": organisation, "form": form, "problems": problems},
        status=400 if problems or (request.method == "POST" and form.errors) else 200,
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
