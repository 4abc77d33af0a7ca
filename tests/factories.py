"""Tiny factories for test data (factory_boy), with yesterday/tomorrow helpers."""

import datetime
import re

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from releases.models import Category, Official, Position, Release, ReleaseAttachment, ReleaseImage
from tests.attachments.documents import make_pdf

from releases.models import Category, Official, Position, Release, ReleaseImage
from releases.taxonomy.models import Country, Topic

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


def login_verified(client, user):
    """Sign `user` in as after both steps: the password (force_login), then a confirmed authenticator bound to the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test authenticator", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device):
    """The code the user's authenticator app shows now for `device`."""
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"

class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber to every release, immediately, in Thai."""

    class Meta:
        model = "releases.Subscriber"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    consent_text = "ข้าพเจ้ายินยอม"
    consent_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lists(self, create, extracted, **kwargs):
        for kind, value in extracted if extracted is not None else [("all", "")]:
            self.subscriptions.create(kind=kind, value=value)

class ReleaseAttachmentFactory(factory.django.DjangoModelFactory):
    """A real one-page PDF with a Thai text layer."""

    class Meta:
        model = ReleaseAttachment

    release = factory.SubFactory(ReleaseFactory)
    file = factory.django.FileField(data=make_pdf(), filename="statement.pdf")
    title = "แถลงการณ์ร่วม"

class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = "MM"
    name_th = "เมียนมา"
    name_en = "Myanmar"
    region = "asean"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name_th = factory.Sequence(lambda n: f"หัวข้อ{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")

class ReleaseViewDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseViewDay

    release = factory.SubFactory(ReleaseFactory)
    date = factory.LazyFunction(timezone.localdate)
    channel = "direct"
    views = 1


def committed():
    """What committing an edit does, which tests never see (they roll back, so on_commit callbacks
    never run): a new page-cache generation with its state ready, so the next page pays no query
    for it (releases/caching.py bump_and_prepare)."""
    from releases import caching

    caching.bump_and_prepare()


def shown_views(response):
    """The view count a release page shows (filled into the page on every request, stored or rendered)."""
    match = re.search(r'<span class="views">[^<\d]*([\d,]+)', response.content.decode())
    return int(match.group(1).replace(",", ""))
