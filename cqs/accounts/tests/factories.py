"""factory_boy factories for accounts."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from factory.declarations import LazyAttribute, LazyFunction, Sequence, Trait
from factory.django import DjangoModelFactory

from cqs.accounts.models import User

TEST_PASSWORD = "Thu@nghiem2025"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"canbo{n}")
    full_name = Sequence(lambda n: f"Cán bộ Thử {n}")
    email = LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = LazyFunction(lambda: make_password(TEST_PASSWORD))
    is_active = True

    class Params:
        superuser = Trait(is_superuser=True, is_staff=True)
        staff = Trait(is_staff=True)
