"""Factories for tests (and small fixtures); the demo generator has its own seeded data."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from frontdoor.core.models import Council, Queue, Service, ServiceFamily, ServiceFamilyMembership
from frontdoor.identity.models import Team, TeamKind, TeamMembership, User

PASSWORD = "correct horse battery staple"  # noqa: S105 (test accounts only)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"council-{n}")
    name = factory.Sequence(lambda n: f"Borough Council {n}")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceFamily

    council = factory.SubFactory(CouncilFactory)
    family_id = factory.Sequence(lambda n: f"family-{n}")
    name = factory.Sequence(lambda n: f"Family {n}")


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue

    council = factory.SubFactory(CouncilFactory)
    queue_id = factory.Sequence(lambda n: f"queue-{n}")
    name = factory.Sequence(lambda n: f"Queue {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    council = factory.SubFactory(CouncilFactory)
    service_id = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceFamilyMembership

    service = factory.SubFactory(ServiceFactory)
    family = factory.SubFactory(FamilyFactory)
    valid_from = factory.Faker("date_object")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    council = factory.SubFactory(CouncilFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        """`UserFactory(roles=["agent"])` puts the user in those role groups."""
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=role) for role in extracted))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.CONTACT_CENTRE


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
