"""Pages of a person's own profile (photo, what they publish) and an organisation's logo, and
the stored pictures themselves."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import page_permission
from clusterloom.core.uploads import upload_read

from . import pictures, publicity
from .forms import PictureForm, PublicityForm
from .models import Organisation, Person

#: Where each kind of picture is stored, with the model and field that hold it.
FOLDERS = {"people": (Person, "photo"), "organisations": (Organisation, "logo")}


def person_photo(request, pk):
    """The person's own photo: upload a new one or remove it."""
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    denied = page_permission(request, "directory.change_photo", person)
    if denied:
        return denied
    return _picture_page(
        request,
        person,
        "photo",
        set_=pictures.person_photo_set,
        remove=pictures.person_photo_remove,
        title=_("Your photo") if person.user_id == request.user.pk else str(person),
        back=reverse("account") if person.user_id == request.user.pk else None,
        messages=(_("Your photo has been saved."), _("Your photo has been removed.")),
    )


@require_POST
def person_publicity(request, pk):
    """The person's own choice of what public pages show about them."""
    person = get_object_or_404(Person, pk=pk)
    denied = page_permission(request, "directory.publish_person", person)
    if denied:
        return denied
    form = PublicityForm(request.POST)
    form.is_valid()  # two tick boxes: always valid
    return step(
        request,
        lambda: publicity.person_publicity_set(
            actor=request.user, person=person, **form.cleaned_data
        ),
        done="account",
        message=_("Your choices have been saved."),
    )


def organisation_logo(request, slug):
    """An organisation's logo, for its managers: upload a new one or remove it."""
    organisation = get_object_or_404(Organisation, slug=slug)
    denied = page_permission(request, "directory.change_logo", organisation)
    if denied:
        return denied
    return _picture_page(
        request,
        organisation,
        "logo",
        set_=pictures.organisation_logo_set,
        remove=pictures.organisation_logo_remove,
        title=_("Logo of %(name)s") % {"name": organisation.name},
        back=reverse("organisation_detail", args=[organisation.slug]),
        messages=(_("The logo has been saved."), _("The logo has been removed.")),
    )


def _picture_page(request, obj, field, *, set_, remove, title, back, messages):
    """Upload (a form page) or remove (a step) obj's picture; both come back here."""
    owner = "person" if field == "photo" else "organisation"
    here = request.path
    if request.method == "POST" and "remove" in request.POST:
        return step(
            request, lambda: remove(actor=request.user, **{owner: obj}), done=here,
            message=messages[1],
        )  # fmt: skip
    form = PictureForm(field, request.POST or None, request.FILES or None)

    def save(data):
        upload = data[field]
        return set_(
            actor=request.user,
            **{owner: obj},
            file_name=upload.name,
            content=upload_read(upload, field=field),
            content_type=upload.content_type or "",
        )

    return form_page(
        request,
        form,
        template="directory/picture_form.html",
        save=save,
        done=here,
        message=messages[0],
        context={"object": obj, "field": field, "title": title, "back": back or here},
    )


@require_safe
def picture_file(request, folder, pk, name):
    """A stored photo or logo. Its name is random and changes with every upload, so it can be
    kept for long; a photo only in the visitor's own browser (it is personal data)."""
    model, field = FOLDERS.get(folder, (None, None))
    if model is None:
        raise Http404
    obj = model.objects.filter(pk=pk).only(field).first()
    file = getattr(obj, field, None) if obj is not None else None
    if not file or file.name != f"{folder}/{pk}/{name}":
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type="image/png" if name.endswith(".png") else "image/jpeg"
    )
    response["Cache-Control"] = (
        "private, max-age=86400" if folder == "people" else "public, max-age=31536000, immutable"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
