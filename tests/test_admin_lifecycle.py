"""The lifecycle in the admin: hand-made POSTs per role, the buttons, the history panel and the review queue."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from releases.models import Release, Withdrawal
from tests.factories import ReleaseFactory, tomorrow
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


def step(release, action):
    return reverse("admin:releases_release_lifecycle", args=[release.pk, action])


def reloaded(release):
    return Release.objects.get(pk=release.pk)


class TestRolesByHandMadePost:
    @pytest.mark.parametrize(
        "action, status, data",
        [
            ("approve", Release.Status.REVIEW, {}),
            ("return", Release.Status.REVIEW, {"comment": "แก้"}),
            ("withdraw", Release.Status.PUBLISHED, {"kind": "explained", "reason": "เหตุผล"}),
            ("restore", Release.Status.WITHDRAWN, {}),
            ("feature", Release.Status.PUBLISHED, {"until": "01/01/2600 10:00"}),
        ],
    )
    def test_editor_is_refused_every_publisher_step(self, editor_client, action, status, data):
        release = ReleaseFactory(status=status, publish_at=None if status == "review" else tomorrow().replace(year=2000))
        response = editor_client.post(step(release, action), data)
        assert response.status_code == 403
        after = reloaded(release)
        assert (after.status, after.featured_until, after.events.count()) == (status, None, 0)

    def test_editor_submits_and_takes_back(self, editor_client):
        release = ReleaseFactory(draft=True)
        assert editor_client.post(step(release, "submit")).status_code == 302
        assert reloaded(release).status == Release.Status.REVIEW
        editor_client.post(step(release, "take_back"))
        assert reloaded(release).status == Release.Status.DRAFT

    def test_anonymous_and_get_requests_change_nothing(self, publisher_client):
        release = ReleaseFactory(draft=True)
        assert Client().post(step(release, "submit")).status_code == 302  # to the sign-in page
        assert publisher_client.get(step(release, "submit")).status_code == 405
        assert publisher_client.post(reverse("admin:releases_release_lifecycle", args=[release.pk, "nonsense"])).status_code == 404
        assert reloaded(release).status == Release.Status.DRAFT

    def test_the_form_cannot_skip_the_workflow(self, publisher_client):
        release = ReleaseFactory()
        response = publisher_client.post(change_url(release), form_data(release.category, title=release.title, status="withdrawn"))
        assert response.status_code == 200  # the form again, with its error
        assert reloaded(release).status == Release.Status.PUBLISHED

    def test_publish_action_does_not_restore_a_withdrawn_release(self, publisher_client, publisher):
        from releases import lifecycle

        release = ReleaseFactory()
        lifecycle.withdraw(release, publisher, Withdrawal.EXPLAINED, "เหตุผล")
        publisher_client.post(reverse("admin:releases_release_changelist"), {"action": "publish", "_selected_action": [release.pk]})
        assert reloaded(release).status == Release.Status.WITHDRAWN


class TestPublisherSteps:
    def test_return_with_comment_is_shown_to_the_editor_with_the_history(self, publisher_client, editor):
        release = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None, created_by=editor)
        publisher_client.post(step(release, "return"), {"comment": "โปรดแก้วันที่"})
        editor_client = Client()
        editor_client.force_login(editor)
        page = editor_client.get(change_url(release)).content.decode()
        assert "ผู้เผยแพร่ส่งกลับให้แก้ไข" in page and "โปรดแก้วันที่" in page
        assert "ประวัติขั้นตอนการเผยแพร่" in page and "publisher" in page

    def test_return_without_comment_is_refused_with_a_message(self, publisher_client):
        release = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None)
        response = publisher_client.post(step(release, "return"), {"comment": ""}, follow=True)
        assert reloaded(release).status == Release.Status.REVIEW
        assert "สิ่งที่ต้องแก้ไข" in response.content.decode()

    def test_approve_schedules_with_a_buddhist_era_time(self, publisher_client):
        release = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None)
        publisher_client.post(step(release, "approve"), {"publish_at": "01/01/2600 10:00"})
        assert reloaded(release).is_scheduled()

    def test_withdraw_replace_and_restore(self, publisher_client, client):
        release, replacement = ReleaseFactory(), ReleaseFactory()
        publisher_client.post(step(release, "withdraw"), {"kind": "replaced", "reason": "ฉบับแก้ไข", "replacement": replacement.pk})
        assert client.get(release.get_absolute_url()).status_code == 301
        publisher_client.post(step(release, "restore"))
        assert client.get(release.get_absolute_url()).status_code == 200

    def test_withdraw_with_a_bad_replacement_number_changes_nothing(self, publisher_client):
        release = ReleaseFactory()
        for number in ("abc", str(10**20), "999999"):
            publisher_client.post(step(release, "withdraw"), {"kind": "replaced", "reason": "x", "replacement": number})
        assert reloaded(release).status == Release.Status.PUBLISHED


class TestReviewQueue:
    def test_index_counts_and_links_the_queue_oldest_first(self, publisher_client):
        older = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None, title="ส่งก่อน")
        newer = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None, title="ส่งทีหลัง")
        Release.objects.filter(pk=older.pk).update(updated_at=newer.updated_at.replace(year=2020))
        ReleaseFactory(draft=True, title="ยังไม่ส่งตรวจ")
        index = publisher_client.get(reverse("admin:index")).content.decode()
        assert "ข่าวรอตรวจ 2 รายการ" in index and "?state=review" in index
        queue = publisher_client.get(reverse("admin:releases_release_changelist") + "?state=review").content.decode()
        assert "ยังไม่ส่งตรวจ" not in queue
        assert queue.index("ส่งก่อน") < queue.index("ส่งทีหลัง")


class TestCorrections:
    def edit(self, client, release, **fields):
        data = form_data(release.category, title=release.title, status="published", publish_at="01/01/2564 10:00")
        data.update(fields)
        return client.post(change_url(release), data)

    def test_a_correction_needs_a_note_and_shows_on_the_page_feeds_and_json_ld(self, publisher_client, client):
        release = ReleaseFactory()
        response = self.edit(publisher_client, release, body="แก้ตัวเลข", change_kind="correction", change_note="")
        assert response.status_code == 200 and reloaded(release).corrected_at is None
        self.edit(publisher_client, release, body="แก้ตัวเลขผู้ได้รับผลกระทบ", change_kind="correction", change_note="แก้จำนวนผู้ได้รับผลกระทบ")
        corrected = reloaded(release)
        assert corrected.corrected_at is not None
        anonymous = Client()
        page = anonymous.get(release.get_absolute_url()).content.decode()
        assert "ปรับปรุงล่าสุด" in page and "แก้จำนวนผู้ได้รับผลกระทบ" in page
        assert f'"dateModified": "{corrected.corrected_at.isoformat()}"' in page
        assert f'article:modified_time" content="{timezone.localtime(corrected.corrected_at).isoformat()}' in page
        feed = anonymous.get("/feeds/latest/atom/").content.decode()
        assert f"<updated>{corrected.corrected_at.isoformat()}" in feed

    def test_a_minor_edit_tells_readers_nothing(self, publisher_client):
        release = ReleaseFactory()
        self.edit(publisher_client, release, body="แก้คำผิด", change_kind="minor")
        edited = reloaded(release)
        assert edited.body == "แก้คำผิด" and edited.corrected_at is None
        page = Client().get(release.get_absolute_url()).content.decode()
        assert "ปรับปรุงล่าสุด" not in page
        assert f'"dateModified": "{edited.publish_at.isoformat()}"' in page

    def test_drafts_are_not_asked(self, publisher_client):
        release = ReleaseFactory(draft=True)
        page = publisher_client.get(change_url(release)).content.decode()
        assert 'name="change_kind"' not in page
        assert 'name="change_kind"' in publisher_client.get(change_url(ReleaseFactory())).content.decode()
