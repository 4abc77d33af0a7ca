"""Tiny factories for test data (factory_boy), with yesterday/tomorrow helpers."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from releases.models import Category, Official, Position, Release, ReleaseImage
from releases.readership.models import ReleaseViewDay


def yesterday():
    return timezone.now() - datetime.timedelta(days=1)


def tomorrow():
    return timezone.now() + datetime.timedelta(days=1)


def make_user(username, role=None, **extra):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username * 2, is_staff=True, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    slug = "press-release"
    name_th = "ข่าวสารนิเทศ"
    name_en = "Press release"


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    honorific = "นาย"
    name_th = factory.Sequence(lambda n: f"สมชาย ใจดี{n}")
    name_en = factory.Sequence(lambda n: f"Somchai Jaidee {n}")
    slug = factory.Sequence(lambda n: f"somchai-jaidee-{n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    official = factory.SubFactory(OfficialFactory)
    title_th = "รัฐมนตรีว่าการกระทรวงการต่างประเทศ"
    title_en = "Minister of Foreign Affairs"
    start_date = datetime.date(2019, 7, 10)


class ReleaseFactory(factory.django.DjangoModelFactory):
    """A published Thai release, public since yesterday, unless told otherwise."""

    class Meta:
        model = Release

    title = factory.Sequence(lambda n: f"กระทรวงการต่างประเทศแถลงข่าว ฉบับที่ {n}")
    body = "ย่อหน้าแรกของข่าว\n\nย่อหน้าที่สอง"
    language = "th"
    category = factory.SubFactory(CategoryFactory)
    release_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    status = Release.Status.PUBLISHED
    publish_at = factory.LazyFunction(yesterday)

    class Params:
        draft = factory.Trait(status=Release.Status.DRAFT, publish_at=None)
        scheduled = factory.Trait(status=Release.Status.PUBLISHED, publish_at=factory.LazyFunction(tomorrow))


class ReleaseImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseImage

    release = factory.SubFactory(ReleaseFactory)
    image = factory.django.ImageField(width=64, height=48, format="JPEG")
    alt_text = "ภาพประกอบ"


class ReleaseViewDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseViewDay

    release = factory.SubFactory(ReleaseFactory)
    date = factory.LazyFunction(timezone.localdate)
    channel = "direct"
    views = 1
