"""factory_boy factories for partnerships (organisations come from the directory's factories)."""

import factory

from clusterloom.directory.tests.factories import ClusterOrganisationFactory
from clusterloom.partnerships.models import Partnership, PartnershipMember, Target


class PartnershipFactory(factory.django.DjangoModelFactory):
    """An ESCP-4x partnership with a title and nothing else."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    acronym = factory.Sequence(lambda n: f"PART{n}")
    slug = factory.LazyAttribute(lambda p: p.acronym.lower())
    title = factory.LazyAttribute(lambda p: f"{p.acronym} cluster partnership")


class PartnershipMemberFactory(factory.django.DjangoModelFactory):
    """A cluster organisation as a partner."""

    class Meta:
        model = PartnershipMember

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(ClusterOrganisationFactory)
    role = "partner"
    order = factory.Sequence(lambda n: n)


class TargetFactory(factory.django.DjangoModelFactory):
    """A proposed target."""

    class Meta:
        model = Target

    partnership = factory.SubFactory(PartnershipFactory)
    code = "exchanges"
    value = 10
