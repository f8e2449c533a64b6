"""factory_boy factories for the directory; other apps' tests import these."""

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from clusterloom.directory.models import Cluster, Organisation, OrganisationKind, Person
from clusterloom.geo.models import Country


def country(code: str = "CZ") -> Country:
    """A country from the reference data (created with its code as name if missing)."""
    found, _created = Country.objects.get_or_create(
        code=code, defaults={"name": code, "is_eu": True, "is_cosme": True}
    )
    return found


class UserFactory(factory.django.DjangoModelFactory):
    """A login with password "pw"."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class AdminFactory(UserFactory):
    """A platform admin."""

    username = factory.Sequence(lambda n: f"admin{n}")
    is_superuser = True
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An SME in the Czech Republic unless told otherwise."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.SME
    country = factory.LazyFunction(country)
    city_name = "Liberec"
    website = factory.LazyAttribute(lambda o: f"https://{slugify(o.name)}.example.org")

    @factory.post_generation
    def terms(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.terms.set(extracted)

    @factory.post_generation
    def managers(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.managers.set(extracted)


class ClusterOrganisationFactory(OrganisationFactory):
    """A cluster organisation (without its Cluster record; use ClusterFactory for both)."""

    name = factory.Sequence(lambda n: f"Cluster {n}")
    kind = OrganisationKind.CLUSTER


class ClusterFactory(factory.django.DjangoModelFactory):
    """A cluster with its cluster organisation."""

    class Meta:
        model = Cluster

    organisation = factory.SubFactory(ClusterOrganisationFactory)
    member_count = None
    sme_count = None


class PersonFactory(factory.django.DjangoModelFactory):
    """A person at an organisation, with contact details."""

    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Sequence(lambda n: f"Jana{n}")
    last_name = "Nováková"
    email = factory.Sequence(lambda n: f"jana{n}@example.org")
    phone = "+420 485 000 000"
    job_title = "Cluster manager"


class MemberUserFactory(UserFactory):
    """A user who is a member: a login linked to a Person."""

    username = factory.Sequence(lambda n: f"member{n}")

    @factory.post_generation
    def person(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            PersonFactory(user=obj, **kwargs)
