"""The model contract: publication rule, slugs, summaries, positions, constraints."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from releases.body import split_paragraphs
from releases.models import Position, Release
from tests.factories import OfficialFactory, PositionFactory, ReleaseFactory, tomorrow, yesterday

pytestmark = pytest.mark.django_db


class TestPublishedRule:
    def test_published_yesterday_is_public(self):
        release = ReleaseFactory(publish_at=yesterday())
        assert list(Release.objects.published()) == [release]
        assert release.is_published()

    def test_scheduled_for_tomorrow_is_not_public(self):
        release = ReleaseFactory(scheduled=True)
        assert not Release.objects.published().exists()
        assert release.is_scheduled() and release.public_state == "scheduled"

    def test_draft_with_past_publish_time_is_not_public(self):
        ReleaseFactory(status=Release.Status.DRAFT, publish_at=yesterday())
        assert not Release.objects.published().exists()

    def test_scheduled_release_becomes_public_by_itself(self):
        """No job runs: the same row is public once its time has come."""
        release = ReleaseFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))
        assert not Release.objects.published().exists()
        later = timezone.now() + datetime.timedelta(hours=2)
        assert list(Release.objects.published(now=later)) == [release]
        Release.objects.filter(pk=release.pk).update(publish_at=timezone.now() - datetime.timedelta(seconds=1))
        assert list(Release.objects.published()) == [release]

    def test_publishing_without_time_means_now(self):
        release = ReleaseFactory(draft=True)
        release.status = Release.Status.PUBLISHED
        release.save()
        assert release.publish_at is not None and release.is_published()

    def test_next_due(self):
        ReleaseFactory(publish_at=yesterday())
        due = tomorrow()
        ReleaseFactory(publish_at=due)
        assert Release.objects.next_due() == due


class TestSlugAndTitle:
    def test_thai_title_survives_intact(self):
        title = "รัฐมนตรีว่าการกระทรวงการต่างประเทศ ย้ำความเป็นพันธมิตรไทย – สหรัฐฯ"
        release = ReleaseFactory(title=title)
        release.refresh_from_db()
        assert release.title == title
        # The vowel and tone marks django.utils.text.slugify would drop are still there.
        assert "ย้ำ" in release.slug and "ย้ำ" in release.get_absolute_url() or "%E0%B8%A2%E0%B9%89%E0%B8%B3" in release.get_absolute_url()
        assert release.slug == "รัฐมนตรีว่าการกระทรวงการต่างประเทศ-ย้ำความเป็นพันธมิตรไทย-สหรัฐฯ"

    def test_english_slug(self):
        assert ReleaseFactory(title="Thailand, U.S. Reaffirm Alliance").slug == "thailand-u-s-reaffirm-alliance"

    def test_url_is_id_based(self):
        release = ReleaseFactory()
        assert release.get_absolute_url() .startswith(f"/releases/{release.pk}/")

    def test_summary_from_first_paragraph(self):
        release = ReleaseFactory(body="ย่อหน้าแรก\n\n\u00a0\n\nย่อหน้าที่สอง", summary="")
        assert release.summary == "ย่อหน้าแรก"

    def test_paragraphs_ignore_space_only_lines(self):
        body = "หนึ่ง\r\n\r\n \u00a0 \r\n\r\nสอง\nต่อ\n\n\n๓"
        assert split_paragraphs(body) == ["หนึ่ง", "สอง\nต่อ", "๓"]


class TestConstraints:
    def test_published_needs_publish_at_in_database(self):
        release = ReleaseFactory(draft=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            Release.objects.filter(pk=release.pk).update(status="published", publish_at=None)

    def test_status_values_checked_in_database(self):
        release = ReleaseFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Release.objects.filter(pk=release.pk).update(status="live")

    def test_source_key_unique(self):
        ReleaseFactory(source_key="a")
        with pytest.raises(IntegrityError), transaction.atomic():
            ReleaseFactory(source_key="a")

    def test_empty_source_keys_do_not_collide(self):
        ReleaseFactory(source_key="")
        ReleaseFactory(source_key="")
        assert Release.objects.filter(source_key__isnull=True).count() == 2

    def test_position_end_before_start_rejected_in_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            PositionFactory(start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2019, 1, 1))

    def test_translation_must_be_other_language(self):
        thai = ReleaseFactory(language="th")
        other = ReleaseFactory(language="th")
        thai.translation = other
        with pytest.raises(ValidationError):
            thai.full_clean()

    def test_counterpart_from_either_side(self):
        thai = ReleaseFactory(language="th")
        english = ReleaseFactory(language="en", title="Thailand and the US")
        thai.translation = english
        thai.save()
        assert thai.counterpart == english
        assert Release.objects.get(pk=english.pk).counterpart == thai


class TestPositions:
    def test_position_on(self):
        official = OfficialFactory()
        old = PositionFactory(official=official, title_th="อธิบดี", start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2019, 7, 9))
        new = PositionFactory(official=official, start_date=datetime.date(2019, 7, 10))
        assert official.position_on(datetime.date(2018, 1, 1)) == old
        assert official.position_on(datetime.date(2021, 9, 29)) == new
        assert official.position_on(datetime.date(2010, 1, 1)) is None

    def test_overlap_rejected_unless_concurrent(self):
        official = OfficialFactory()
        PositionFactory(official=official, start_date=datetime.date(2019, 7, 10))
        overlapping = Position(official=official, title_th="รองนายกรัฐมนตรี", start_date=datetime.date(2020, 1, 1))
        with pytest.raises(ValidationError):
            overlapping.full_clean()
        overlapping.concurrent = True
        overlapping.full_clean()
        overlapping.save()
        # Both held that day: the most recently started one answers.
        assert official.position_on(datetime.date(2021, 1, 1)) == overlapping

    def test_aliases(self):
        official = OfficialFactory(name_th="ดอน ปรมัตถ์วินัย", aliases="นายดอน ปรมัตถ์วินัย\n\nDon Pramudwinai\n")
        assert "Don Pramudwinai" in official.alias_list()
        assert "" not in official.alias_list()


@pytest.mark.django_db
def test_featured_releases_have_their_own_index():
    """The home page's featured query finds the few featured rows by index, not by scanning the list's order."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Release._meta.db_table)
    assert constraints["release_featured_idx"]["columns"] == ["featured_until"]


class TestReleaseAddress:
    def test_remembered_per_language_and_slug(self):
        from django.utils.translation import override

        release = ReleaseFactory(title="ไทยย้ำความร่วมมือ")
        with override("th"):
            thai_url = release.get_absolute_url()
        with override("en"):
            english_url = release.get_absolute_url()
        with override("th"):
            assert release.get_absolute_url() == thai_url  # from the memory, still Thai
        assert thai_url.startswith(f"/releases/{release.pk}/") and english_url == "/en" + thai_url
        release.slug = "renamed"
        with override("th"):
            assert release.get_absolute_url() == f"/releases/{release.pk}/renamed/"

    def test_follows_the_script_prefix(self):
        from django.urls import set_script_prefix
        from django.utils.translation import override

        release = ReleaseFactory()
        try:
            set_script_prefix("/news/")
            with override("th"):
                assert release.get_absolute_url().startswith(f"/news/releases/{release.pk}/")
        finally:
            set_script_prefix("/")
