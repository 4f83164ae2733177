"""factory_boy factories for the whole suite."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from faker import Faker

from frontdesk.core.models import Membership, Project
from residents.models import Building, Household, Person, Unit

fake = Faker("zh_CN")
PASSWORD = "test-pass-123"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"p{n}")
    name = factory.Sequence(lambda n: f"项目{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(fake.name)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            for project in extracted:
                Membership.objects.create(user=self, project=project)
        self.save()


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    project = factory.SubFactory(ProjectFactory)
    # From 101: never the numbers the fixtures name (building "3").
    number = factory.Sequence(lambda n: str(n + 101))
    floors = 18


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    project = factory.LazyAttribute(lambda o: o.building.project)
    number = factory.Sequence(
        lambda n: f"{(n % 18) + 1}{(n // 18) % 4 + 1:02d}" + ("" if n < 72 else f"-{n}")
    )
    floor = factory.LazyAttribute(lambda o: int(o.number[:-2].split("-")[0] or 1))
    floor_area = Decimal("89.50")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    unit = factory.SubFactory(UnitFactory)
    project = factory.LazyAttribute(lambda o: o.unit.project)
    moved_in_on = dt.date(2026, 1, 15)
    file_number = factory.Sequence(lambda n: f"20260115-{n + 1:03d}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    project = factory.LazyAttribute(lambda o: o.household.project)
    name = factory.LazyFunction(fake.name)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = "11010519491231002X"
    is_primary = True
