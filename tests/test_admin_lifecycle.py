"""The lifecycle in the admin: hand-made POSTs per role, the buttons, the history panel and the review queue."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from releases import lifecycle
from releases.models import Release, ReleaseRevision, Withdrawal
from tests.factories import OfficialFactory, ReleaseFactory, ReleaseImageFactory, login_verified, tomorrow
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
        release = ReleaseFactory()
        lifecycle.withdraw(release, publisher, Withdrawal.EXPLAINED, "เหตุผล")
        publisher_client.post(reverse("admin:releases_release_changelist"), {"action": "publish", "_selected_action": [release.pk]})
        assert reloaded(release).status == Release.Status.WITHDRAWN


class TestPublisherSteps:
    def test_return_with_comment_is_shown_to_the_editor_with_the_history(self, publisher_client, editor):
        release = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None, created_by=editor)
        publisher_client.post(step(release, "return"), {"comment": "โปรดแก้วันที่"})
        editor_client = Client()
        login_verified(editor_client, editor)
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


class TestStagedEdits:
    def stage(self, client, release, **fields):
        data = form_data(release.category, title=release.title, body=release.body)
        data.update(fields)
        return client.post(change_url(release), data)

    def test_an_editor_s_edit_of_a_live_release_waits_invisible_until_approved(self, editor_client, publisher):
        release = ReleaseFactory(title="ฉบับเผยแพร่", body="เนื้อความเดิม\n\nย่อหน้าสอง")
        official = OfficialFactory()
        self.stage(editor_client, release, title="ฉบับแก้ไขใหม่", body="เนื้อความใหม่\n\nย่อหน้าสอง", officials=[official.pk])
        live = reloaded(release)
        assert (live.title, live.body, list(live.officials.all())) == ("ฉบับเผยแพร่", "เนื้อความเดิม\n\nย่อหน้าสอง", [])
        public = Client()
        assert "ฉบับแก้ไขใหม่" not in public.get(release.get_absolute_url()).content.decode()
        assert "ฉบับแก้ไขใหม่" not in public.get("/").content.decode()
        publisher_client = Client()
        login_verified(publisher_client, publisher)
        page = publisher_client.get(change_url(release)).content.decode()
        assert "ฉบับแก้ไขรออนุมัติ" in page and "ฉบับแก้ไขใหม่" in page and "+ เนื้อความใหม่" in page
        preview = publisher_client.get(reverse("admin:releases_release_revision_preview", args=[release.pk])).content.decode()
        assert "ฉบับแก้ไขใหม่" in preview and official.name_th in preview
        assert publisher_client.post(step(release, "approve_edit")).status_code == 302
        live = reloaded(release)
        assert (live.title, live.body, list(live.officials.all())) == ("ฉบับแก้ไขใหม่", "เนื้อความใหม่\n\nย่อหน้าสอง", [official])
        assert not hasattr(live, "pending_revision") or live.pending_revision is None
        assert "ฉบับแก้ไขใหม่" in public.get(live.get_absolute_url()).content.decode()

    def test_only_what_changed_is_kept_and_derived_fields_are_not_changes(self, editor_client):
        release = ReleaseFactory(title="ชื่อเดิม")
        data = form_data(release.category, title="ชื่อใหม่", body=release.body, slug="", summary="")
        data["release_date"] = f"{release.release_date:%d/%m}/{release.release_date.year + 543}"
        editor_client.post(change_url(release), data)
        assert reloaded(release).pending_revision.data == {"title": "ชื่อใหม่", "slug": "ชื่อใหม่"}

    def test_discard_keeps_the_live_version(self, editor_client, publisher):
        release = ReleaseFactory(title="ฉบับเผยแพร่")
        self.stage(editor_client, release, title="ไม่ผ่าน")
        lifecycle.discard_revision(reloaded(release), publisher)
        assert reloaded(release).title == "ฉบับเผยแพร่"
        assert not ReleaseRevision.objects.exists()
        assert list(release.events.order_by("pk").values_list("action", flat=True)) == ["rev_saved", "rev_drop"]

    def test_an_editor_s_correction_note_goes_live_with_the_edit(self, editor_client, publisher):
        release = ReleaseFactory()
        self.stage(editor_client, release, body="ตัวเลขใหม่", change_kind="correction", change_note="แก้ตัวเลข")
        assert reloaded(release).corrected_at is None
        lifecycle.approve_revision(reloaded(release), publisher)
        assert reloaded(release).corrected_at is not None
        assert "แก้ตัวเลข" in Client().get(release.get_absolute_url()).content.decode()

    @pytest.mark.parametrize("action", ["approve_edit", "discard_edit"])
    def test_an_editor_cannot_approve_or_discard_by_hand_made_post(self, editor_client, action):
        release = ReleaseFactory(title="ฉบับเผยแพร่")
        self.stage(editor_client, release, title="แอบแก้")
        assert editor_client.post(step(release, action)).status_code == 403
        assert reloaded(release).title == "ฉบับเผยแพร่" and ReleaseRevision.objects.count() == 1

    def test_an_editor_cannot_change_photos_of_a_live_release(self, editor_client):
        release = ReleaseFactory()
        image = ReleaseImageFactory(release=release, alt_text="เดิม")
        data = {
            "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1", "images-0-id": str(image.pk),
            "images-0-release": str(release.pk), "images-0-alt_text": "", "images-0-DELETE": "on",
        }
        self.stage(editor_client, release, title="แก้ชื่อ", **data)
        assert release.images.get().alt_text == "เดิม"

    def test_an_editor_cannot_go_live_by_reverting_history(self, editor_client):
        release = ReleaseFactory(title="ชื่อแรก")
        release.title = "ชื่อที่สอง"
        release.save()
        first = release.history.filter(title="ชื่อแรก").first()
        url = reverse("admin:releases_release_simple_history", args=[release.pk, first.history_id])
        editor_client.post(url, form_data(release.category, title="ชื่อแรก", body=release.body))
        assert reloaded(release).title == "ชื่อที่สอง"

    def test_a_publisher_s_own_edit_goes_live_at_once(self, publisher_client):
        release = ReleaseFactory(title="ชื่อเดิม")
        data = form_data(release.category, title="ชื่อใหม่", status="published", publish_at="01/01/2564 10:00", change_kind="minor")
        publisher_client.post(change_url(release), data)
        assert reloaded(release).title == "ชื่อใหม่" and not ReleaseRevision.objects.exists()


class TestNoLostUpdates:
    def test_the_second_save_is_refused_naming_who_and_when_and_keeps_the_form(self, publisher, editor):
        release = ReleaseFactory(draft=True, title="ชื่อเดิม")
        first, second = Client(), Client()
        login_verified(first, publisher)
        login_verified(second, editor)
        opened = reloaded(release).version
        for client in (first, second):
            assert f'name="known_version" value="{opened}"' in client.get(change_url(release)).content.decode()
        data = form_data(release.category, known_version=str(opened))
        assert first.post(change_url(release), {**data, "title": "ชื่อของผู้เผยแพร่"}).status_code == 302
        response = second.post(change_url(release), {**data, "title": "ชื่อของบรรณาธิการ"})
        page = response.content.decode()
        assert response.status_code == 200 and reloaded(release).title == "ชื่อของผู้เผยแพร่"
        assert "publisher บันทึกข่าวนี้เมื่อ" in page and "ชื่อของบรรณาธิการ" in page
        # Saving again, knowingly, replaces it.
        assert f'name="known_version" value="{opened + 1}"' in page
        assert second.post(change_url(release), {**data, "title": "ชื่อของบรรณาธิการ", "known_version": str(opened + 1)}).status_code == 302
        assert reloaded(release).title == "ชื่อของบรรณาธิการ"

    def test_each_save_adds_one_to_the_version(self):
        release = ReleaseFactory()
        version = reloaded(release).version
        release.save()
        assert reloaded(release).version == version + 1

    def test_the_form_says_who_else_opened_the_release_recently(self, publisher, editor):
        release = ReleaseFactory(draft=True)
        first, second = Client(), Client()
        login_verified(first, publisher)
        login_verified(second, editor)
        assert "เปิดข่าวนี้เมื่อ" not in first.get(change_url(release)).content.decode()
        assert "publisher เปิดข่าวนี้เมื่อ" in second.get(change_url(release)).content.decode()
        assert "editor เปิดข่าวนี้เมื่อ" in first.get(change_url(release)).content.decode()


class TestPublishedOutsideTheReview:
    def test_publishing_in_the_form_or_the_list_is_recorded_and_the_author_told(
        self, publisher_client, editor, django_capture_on_commit_callbacks
    ):
        from django.core import mail

        editor.email = "editor@example.org"
        editor.save()
        by_form, by_action = ReleaseFactory(draft=True, created_by=editor), ReleaseFactory(draft=True, created_by=editor)
        with django_capture_on_commit_callbacks(execute=True):
            publisher_client.post(change_url(by_form), form_data(by_form.category, title=by_form.title, status="published"))
        with django_capture_on_commit_callbacks(execute=True):
            publisher_client.post(reverse("admin:releases_release_changelist"), {"action": "publish", "_selected_action": [by_action.pk]})
        for release in (by_form, by_action):
            assert list(release.events.values_list("action", "user__username")) == [("published", "publisher")]
        assert [m.to for m in mail.outbox] == [["editor@example.org"], ["editor@example.org"]]


def test_a_history_revert_never_moves_the_version_back(publisher_client):
    release = ReleaseFactory(title="ชื่อแรก")
    for title in ("ชื่อที่สอง", "ชื่อที่สาม"):
        release.title = title
        release.save()
    before = reloaded(release).version
    first = release.history.filter(title="ชื่อแรก").first()
    url = reverse("admin:releases_release_simple_history", args=[release.pk, first.history_id])
    data = form_data(release.category, title="ชื่อแรก", body=release.body, status="published", publish_at="01/01/2564 10:00")
    assert publisher_client.post(url, data).status_code == 302
    assert reloaded(release).title == "ชื่อแรก" and reloaded(release).version == before + 1


class TestScheduledChanges:
    def edit(self, client, release, follow=False, **fields):
        data = form_data(release.category, title=release.title, body=release.body, status="published", publish_at="01/01/2564 10:00")
        data["release_date"] = f"{release.release_date:%d/%m}/{release.release_date.year + 543}"
        data.update(fields)
        return client.post(change_url(release), data, follow=follow)

    @pytest.mark.parametrize("typed", ["01/01/2600 10:00", "01/01/2057 10:00", "๑/๑/๒๖๐๐ 10:00"])
    def test_a_publisher_schedules_own_edit_typed_in_either_era(self, publisher_client, client, typed):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        response = self.edit(publisher_client, release, title="ชื่อที่ตั้งเวลา", go_live_at=typed, follow=True)
        assert "ตั้งเวลาให้การแก้ไขนี้มีผลเมื่อ" in response.content.decode()
        revision = ReleaseRevision.objects.get()
        expected = timezone.make_aware(timezone.datetime(2057, 1, 1, 10, 0))
        assert (revision.go_live_at, revision.scheduled_by.username, revision.data["title"]) == (expected, "publisher", "ชื่อที่ตั้งเวลา")
        assert reloaded(release).title == "ชื่อที่เผยแพร่"
        assert "ชื่อที่ตั้งเวลา" not in client.get(release.get_absolute_url()).content.decode()
        page = publisher_client.get(change_url(release)).content.decode()
        assert "การแก้ไขที่ตั้งเวลาไว้" in page and "ยกเลิกการตั้งเวลา" in page and "ตั้งเวลาการแก้ไข" in page

    def test_an_editor_cannot_schedule_by_hand_made_post(self, editor_client, client):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        assert 'name="go_live_at"' not in editor_client.get(change_url(release)).content.decode()
        response = self.edit(editor_client, release, title="แอบตั้งเวลา", go_live_at="01/01/2600 10:00")
        assert response.status_code == 403
        assert not ReleaseRevision.objects.exists() and reloaded(release).title == "ชื่อที่เผยแพร่"

    @pytest.mark.parametrize("action", ["approve_edit", "unschedule_edit"])
    def test_an_editor_cannot_schedule_move_or_cancel_a_change_by_hand_made_post(self, editor_client, publisher, action):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        go_live_at = timezone.now() + timezone.timedelta(days=2)
        lifecycle.schedule_edit(release, publisher, {"title": "ตั้งเวลาไว้"}, go_live_at)
        response = editor_client.post(step(release, action), {"go_live_at": "01/01/2600 10:00"})
        assert response.status_code == 403
        assert ReleaseRevision.objects.get().go_live_at == go_live_at and reloaded(release).title == "ชื่อที่เผยแพร่"

    def test_an_editor_s_edit_cannot_replace_a_scheduled_change(self, editor_client, publisher):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        lifecycle.schedule_edit(release, publisher, {"title": "ตั้งเวลาไว้"}, timezone.now() + timezone.timedelta(days=2))
        response = self.edit(editor_client, release, title="แก้ทับ")
        assert response.status_code == 200 and "มีการแก้ไขข่าวนี้ที่ตั้งเวลาไว้แล้ว" in response.content.decode()
        assert ReleaseRevision.objects.get().data == {"title": "ตั้งเวลาไว้"}

    def test_a_publisher_approves_an_editor_s_edit_for_later_moves_it_and_cancels_the_time(self, editor_client, publisher, client):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        self.edit(editor_client, release, title="ฉบับของบรรณาธิการ", status="", publish_at="")
        publisher_client = Client()
        login_verified(publisher_client, publisher)
        publisher_client.post(step(release, "approve_edit"), {"go_live_at": "01/01/2600 10:00"})
        assert ReleaseRevision.objects.get().go_live_at.year == 2057 and reloaded(release).title == "ชื่อที่เผยแพร่"
        publisher_client.post(step(release, "approve_edit"), {"go_live_at": "02/01/2600 09:00"})
        assert ReleaseRevision.objects.get().go_live_at == timezone.make_aware(timezone.datetime(2057, 1, 2, 9, 0))
        publisher_client.post(step(release, "unschedule_edit"))
        assert ReleaseRevision.objects.get().go_live_at is None
        publisher_client.post(step(release, "approve_edit"), {"go_live_at": ""})
        assert reloaded(release).title == "ฉบับของบรรณาธิการ" and not ReleaseRevision.objects.exists()
        actions = list(release.events.order_by("pk").values_list("action", flat=True))
        assert actions == ["rev_saved", "rev_sched", "rev_sched", "rev_unsch", "rev_ok"]
        history = publisher_client.get(change_url(release)).content.decode()
        assert "ตั้งเวลาการแก้ไข" in history and "ยกเลิกเวลาที่ตั้งไว้" in history

    @pytest.mark.parametrize(
        "fields, error",
        [
            ({"go_live_at": "01/01/2500 10:00"}, "เลือกเวลาที่ยังมาไม่ถึง"),
            ({"go_live_at": "01/01/2600 10:00", "status": "draft"}, "การแก้ไขที่ตั้งเวลาเปลี่ยนสถานะไม่ได้"),
            ({"go_live_at": "วันพรุ่งนี้"}, "29/09/2564 14:30"),
        ],
    )
    def test_a_bad_schedule_is_the_form_s_error(self, publisher_client, fields, error):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        response = self.edit(publisher_client, release, title="ชื่อใหม่", **fields)
        assert response.status_code == 200 and error in response.content.decode()
        assert reloaded(release).title == "ชื่อที่เผยแพร่" and not ReleaseRevision.objects.exists()

    def test_a_second_schedule_waits_for_the_first_to_be_settled(self, publisher_client, publisher):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        lifecycle.schedule_edit(release, publisher, {"title": "ครั้งแรก"}, timezone.now() + timezone.timedelta(days=2))
        response = self.edit(publisher_client, release, title="ครั้งที่สอง", go_live_at="01/01/2600 10:00")
        assert "อนุมัติ ทิ้ง หรือยกเลิก" in response.content.decode()
        assert ReleaseRevision.objects.get().data == {"title": "ครั้งแรก"}

    def test_a_scheduled_correction_note_goes_live_with_the_change(self, publisher_client, client, monkeypatch):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        self.edit(publisher_client, release, body="ตัวเลขใหม่", change_kind="correction", change_note="แก้ตัวเลข", go_live_at="01/01/2600 10:00")
        assert reloaded(release).corrected_at is None
        later = timezone.make_aware(timezone.datetime(2057, 1, 1, 10, 1))
        monkeypatch.setattr(timezone, "now", lambda: later)
        page = client.get(release.get_absolute_url()).content.decode()
        assert "แก้ตัวเลข" in page and "ตัวเลขใหม่" in page
        assert reloaded(release).corrected_at == later
