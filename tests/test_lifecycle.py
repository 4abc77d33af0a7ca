"""The lifecycle's transitions and what the public sees of each state: lists, feeds, sitemap, search, official pages, 200/410/301."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from releases import lifecycle
from releases.models import Release, ReleaseEvent, Withdrawal
from tests.factories import ReleaseFactory, ReleaseImageFactory, make_user, tomorrow
from tests.test_wordbreaks import plain  # page text without the <wbr> between Thai words

pytestmark = pytest.mark.django_db

WORD = "ทดสอบถอนข่าว"
PUBLIC_LISTS = ["/", "/releases/", "/feeds/latest/rss/", "/feeds/latest/atom/", "/sitemap-releases.xml"]


def withdrawn(publisher, kind=Withdrawal.EXPLAINED, **kwargs):
    release = ReleaseFactory(title=f"{WORD} ฉบับเดิม", **kwargs)
    replacement = ReleaseFactory(title="ฉบับใหม่") if kind == Withdrawal.REPLACED else None
    lifecycle.withdraw(release, publisher, kind, "ข้อมูลคลาดเคลื่อน", replacement)
    return release, replacement


class TestQuerysets:
    def test_published_reachable_and_featured_now_are_one_rule_each(self, publisher):
        public = ReleaseFactory()
        gone, _ = withdrawn(publisher)
        in_review = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None)
        scheduled = ReleaseFactory(scheduled=True)
        featured = ReleaseFactory(featured_until=tomorrow())
        ReleaseFactory(featured_until=timezone.now() - datetime.timedelta(minutes=1))
        assert set(Release.objects.published()) >= {public, featured}
        assert gone not in Release.objects.published() and in_review not in Release.objects.published()
        assert gone in Release.objects.reachable() and scheduled not in Release.objects.reachable()
        assert in_review not in Release.objects.reachable()
        assert list(Release.objects.featured_now()) == [featured]

    def test_due_times_include_features_ending_and_releases_falling_due(self):
        scheduled = ReleaseFactory(scheduled=True)
        featured = ReleaseFactory(featured_until=timezone.now() + datetime.timedelta(hours=2))
        assert Release.objects.due_times() == [featured.featured_until, scheduled.publish_at]


class TestReview:
    def test_submit_take_back_return_and_approve(self, editor, publisher):
        editor.email, publisher.email = "editor@example.org", "publisher@example.org"
        editor.save()
        publisher.save()
        release = ReleaseFactory(draft=True, created_by=editor)
        with pytest.raises(ValidationError):
            lifecycle.return_to_editor(release, publisher, "แก้")  # not in review
        lifecycle.submit(release, editor)
        lifecycle.take_back(release, editor)
        assert release.status == Release.Status.DRAFT
        lifecycle.submit(release, editor)
        with pytest.raises(ValidationError):
            lifecycle.return_to_editor(release, publisher, "  ")  # a comment is required
        lifecycle.return_to_editor(release, publisher, "แก้ชื่อเรื่อง")
        release.refresh_from_db()
        assert release.status == Release.Status.DRAFT and release.review_comment == "แก้ชื่อเรื่อง"
        lifecycle.submit(release, editor)
        lifecycle.approve(release, publisher)
        release.refresh_from_db()
        assert release.is_published() and release.review_comment == ""
        actions = list(release.events.order_by("at", "pk").values_list("action", "user__username", "comment"))
        assert actions == [
            ("submitted", "editor", ""), ("taken_back", "editor", ""), ("submitted", "editor", ""),
            ("returned", "publisher", "แก้ชื่อเรื่อง"), ("submitted", "editor", ""), ("published", "publisher", ""),
        ]

    def test_approve_with_a_future_time_schedules(self, publisher):
        release = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None)
        lifecycle.approve(release, publisher, tomorrow())
        assert release.is_scheduled()
        assert release.events.get().action == ReleaseEvent.Action.SCHEDULED

    def test_approve_needs_alt_text(self, publisher):
        release = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None)
        ReleaseImageFactory(release=release, alt_text="")
        with pytest.raises(ValidationError):
            lifecycle.approve(Release.objects.get(pk=release.pk), publisher)
        assert Release.objects.get(pk=release.pk).status == Release.Status.REVIEW

    @pytest.mark.parametrize("transition", ["approve", "return", "withdraw", "restore", "feature"])
    def test_editors_cannot_take_publisher_steps(self, editor, transition):
        release = ReleaseFactory(status=Release.Status.REVIEW, publish_at=None)
        steps = {
            "approve": lambda: lifecycle.approve(release, editor),
            "return": lambda: lifecycle.return_to_editor(release, editor, "x"),
            "withdraw": lambda: lifecycle.withdraw(release, editor, Withdrawal.EXPLAINED, "x"),
            "restore": lambda: lifecycle.restore(release, editor),
            "feature": lambda: lifecycle.feature(release, editor, tomorrow()),
        }
        with pytest.raises(PermissionDenied):
            steps[transition]()
        assert Release.objects.get(pk=release.pk).status == Release.Status.REVIEW


class TestMail:
    def test_publishers_told_of_a_submission_authors_of_a_return_and_an_approval(self, editor, publisher, django_capture_on_commit_callbacks):
        editor.email, publisher.email = "editor@example.org", "publisher@example.org"
        editor.save()
        publisher.save()
        make_user("quiet", role="Publisher")  # no address: not written to
        release = ReleaseFactory(draft=True, created_by=editor, title="แถลงการณ์ด่วน")
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.submit(release, editor, link="http://testserver/admin/x")
        assert [m.to for m in mail.outbox] == [["publisher@example.org"]]
        assert "แถลงการณ์ด่วน" in mail.outbox[0].subject and "http://testserver/admin/x" in mail.outbox[0].body
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.return_to_editor(release, publisher, "เพิ่มวันที่")
        assert mail.outbox[1].to == ["editor@example.org"] and "เพิ่มวันที่" in mail.outbox[1].body
        lifecycle.submit(release, editor)
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.approve(release, publisher)
        assert mail.outbox[-1].to == ["editor@example.org"]


class TestWithdrawal:
    def test_withdrawn_page_answers_200_with_the_notice_above_the_text(self, client, publisher):
        release, _ = withdrawn(publisher)
        response = client.get(release.get_absolute_url())
        page = plain(response.content.decode())
        assert response.status_code == 200
        assert "ถอนการเผยแพร่เมื่อ" in page and "ข้อมูลคลาดเคลื่อน" in page
        assert page.index("ถอนการเผยแพร่เมื่อ") < page.index("<p>ย่อหน้าแรกของข่าว")

    def test_published_in_error_answers_410_without_the_content(self, client, publisher):
        release, _ = withdrawn(publisher, Withdrawal.ERROR)
        response = client.get(release.get_absolute_url())
        assert response.status_code == 410
        page = response.content.decode()
        assert "ข้อมูลคลาดเคลื่อน" in page and "ย่อหน้าแรกของข่าว" not in page

    def test_replaced_answers_301_to_the_replacement(self, client, publisher):
        release, replacement = withdrawn(publisher, Withdrawal.REPLACED)
        response = client.get(release.get_absolute_url())
        assert response.status_code == 301 and response["Location"] == replacement.get_absolute_url()

    def test_replacement_must_be_another_public_release(self, publisher):
        release = ReleaseFactory()
        for replacement in (None, release, ReleaseFactory(draft=True)):
            with pytest.raises(ValidationError):
                lifecycle.withdraw(release, publisher, Withdrawal.REPLACED, "แทนที่", replacement)
        assert Release.objects.get(pk=release.pk).status == Release.Status.PUBLISHED

    def test_explanation_required_and_only_public_releases(self, publisher):
        with pytest.raises(ValidationError):
            lifecycle.withdraw(ReleaseFactory(), publisher, Withdrawal.EXPLAINED, " ")
        with pytest.raises(ValidationError):
            lifecycle.withdraw(ReleaseFactory(draft=True), publisher, Withdrawal.EXPLAINED, "เหตุผล")

    @pytest.mark.parametrize("url", PUBLIC_LISTS)
    def test_withdrawn_and_in_review_releases_leave_every_list(self, client, publisher, url):
        release, _ = withdrawn(publisher)
        ReleaseFactory(title=f"{WORD} รอตรวจ", status=Release.Status.REVIEW, publish_at=None)
        ReleaseFactory(title="ข่าวที่ยังเผยแพร่")
        page = plain(client.get(url).content.decode())
        assert WORD not in page and f"/releases/{release.pk}/" not in page
        assert "ข่าวที่ยังเผยแพร่" in page or "sitemap" in url

    def test_withdrawn_releases_leave_search_and_official_pages(self, client, publisher):
        from tests.factories import OfficialFactory

        official = OfficialFactory()
        release, _ = withdrawn(publisher)
        release.officials.add(official)
        control = ReleaseFactory(title=f"{WORD} ฉบับที่ยังเผยแพร่")
        control.officials.add(official)
        for page in (client.get("/", {"q": WORD}).content.decode(), client.get(official.get_absolute_url()).content.decode()):
            assert f"/releases/{release.pk}/" not in page and f"/releases/{control.pk}/" in page

    def test_withdrawn_release_views_are_not_counted(self, client, publisher):
        release, _ = withdrawn(publisher)
        client.get(release.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0")
        release.refresh_from_db()
        assert release.view_count == 0

    def test_restore_brings_it_back_and_is_recorded(self, client, publisher):
        release, _ = withdrawn(publisher, Withdrawal.ERROR)
        lifecycle.restore(release, publisher)
        assert client.get(release.get_absolute_url()).status_code == 200
        assert release.title in plain(client.get("/").content.decode())
        assert list(release.events.order_by("pk").values_list("action", flat=True)) == ["withdrawn", "restored"]


class TestFeatured:
    def featured_block(self, page):
        start = page.find('class="featured"')
        return page[start:page.find("</section>", start)] if start >= 0 else ""

    def test_at_most_three_newest_first_above_the_home_page_list(self, client, publisher):
        releases = [ReleaseFactory(title=f"ประกาศด่วน {n}") for n in range(4)]
        for release in releases:
            lifecycle.feature(release, publisher, tomorrow())
        block = self.featured_block(plain(client.get("/").content.decode()))
        shown = [r.title for r in releases if r.title in block]
        assert shown == [r.title for r in releases[1:]]  # the oldest of the four left out
        assert block.index("ประกาศด่วน 3") < block.index("ประกาศด่วน 1")
        assert self.featured_block(plain(client.get("/", {"page": 2}).content.decode())) == ""

    def test_on_their_category_s_list_only(self, client, publisher):
        from tests.factories import CategoryFactory

        other = CategoryFactory(slug="statements", name_th="แถลงการณ์")
        release = ReleaseFactory(title="อพยพคนไทย")
        lifecycle.feature(release, publisher, tomorrow())
        assert "อพยพคนไทย" in self.featured_block(plain(client.get("/", {"category": release.category.slug}).content.decode()))
        assert self.featured_block(plain(client.get("/", {"category": other.slug}).content.decode())) == ""

    def test_stopping_withdrawing_and_past_times(self, client, publisher):
        release = ReleaseFactory(title="ประกาศเตือนภัย")
        with pytest.raises(ValidationError):
            lifecycle.feature(release, publisher, timezone.now() - datetime.timedelta(minutes=1))
        lifecycle.feature(release, publisher, tomorrow())
        lifecycle.feature(release, publisher, None)
        assert self.featured_block(plain(client.get("/").content.decode())) == ""
        lifecycle.feature(release, publisher, tomorrow())
        lifecycle.withdraw(release, publisher, Withdrawal.EXPLAINED, "เหตุการณ์คลี่คลาย")
        assert self.featured_block(plain(client.get("/").content.decode())) == ""
        assert list(release.events.order_by("pk").values_list("action", flat=True)) == ["featured", "unfeatured", "featured", "withdrawn"]
