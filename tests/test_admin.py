"""The editors' panel: roles enforced on the server, Thai dates, preview, history."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from releases.models import Release
from tests.factories import (
    CategoryFactory, OfficialFactory, ReleaseAttachmentFactory, ReleaseFactory, ReleaseImageFactory, login_verified, make_user,
    tomorrow,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:releases_release_add")
CHANGELIST_URL = reverse("admin:releases_release_changelist")
CHANGELIST = reverse("admin:releases_release_changelist")


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def form_data(category, **overrides):
    data = {
        "title": "กระทรวงการต่างประเทศแถลงข่าว",
        "slug": "",
        "summary": "",
        "body": "ย่อหน้าแรก\n\nย่อหน้าที่สอง",
        "language": "th",
        "translation": "",
        "category": str(category.pk),
        "officials": [],
        "release_date": "29/09/2564",
        "status": "draft",
        "publish_at": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "videos-TOTAL_FORMS": "0",
        "videos-INITIAL_FORMS": "0",
        "videos-MIN_NUM_FORMS": "0",
        "videos-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


class TestGroups:
    def test_roles_exist_with_permissions(self):
        editor = Group.objects.get(name="Editor")
        publisher = Group.objects.get(name="Publisher")
        assert not editor.permissions.filter(codename="publish_release").exists()
        assert not editor.permissions.filter(codename="delete_release").exists()
        assert publisher.permissions.filter(codename="publish_release").exists()
        assert publisher.permissions.filter(codename="delete_release").exists()


    def test_role_names_shown_translated(self, client):
        from django.contrib.auth import get_user_model

        admin_user = get_user_model().objects.create_superuser("root", password="x" * 12)
        login_verified(client, admin_user)
        page = client.get(reverse("admin:auth_group_changelist")).content.decode()
        assert "บรรณาธิการ" in page and "ผู้เผยแพร่" in page


class TestEditor:
    def test_editor_creates_draft_with_buddhist_era_date(self, editor_client, editor):
        category = CategoryFactory()
        response = editor_client.post(ADD_URL, form_data(category))
        assert response.status_code == 302, response.content.decode()[:2000]
        release = Release.objects.get()
        assert release.status == "draft"
        assert release.release_date == datetime.date(2021, 9, 29)  # not 2564 CE
        assert release.created_by == editor and release.updated_by == editor

    def test_editor_cannot_publish_through_add_form(self, editor_client):
        category = CategoryFactory()
        editor_client.post(ADD_URL, form_data(category, status="published", publish_at="29/09/2564 10:00"))
        assert not Release.objects.published().exists()
        assert not Release.objects.filter(status="published").exists()

    def test_editor_cannot_publish_through_change_form(self, editor_client):
        release = ReleaseFactory(draft=True)
        data = form_data(release.category, title=release.title, status="published", publish_at="29/09/2564 10:00")
        editor_client.post(change_url(release), data)
        release.refresh_from_db()
        assert release.status == "draft" and release.publish_at is None

    def test_editor_cannot_schedule(self, editor_client):
        release = ReleaseFactory(draft=True)
        future = timezone.localtime(tomorrow()).strftime("%d/%m/") + str(timezone.localdate().year + 544) + " 10:00"
        editor_client.post(change_url(release), form_data(release.category, title=release.title, publish_at=future))
        release.refresh_from_db()
        assert release.publish_at is None and release.status == "draft"

    def test_editor_cannot_use_publish_action_by_hand_made_post(self, editor_client):
        release = ReleaseFactory(draft=True)
        editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [release.pk]})
        release.refresh_from_db()
        assert release.status == "draft"

    def test_editor_cannot_unpublish(self, editor_client):
        release = ReleaseFactory()
        editor_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [release.pk]})
        release.refresh_from_db()
        assert release.is_published()

    def test_editor_cannot_change_a_published_release(self, editor_client):
        release = ReleaseFactory(title="ต้นฉบับ")
        editor_client.post(change_url(release), form_data(release.category, title="แก้ไข", status="draft"))
        release.refresh_from_db()
        assert release.title == "ต้นฉบับ" and release.is_published()
        assert release.pending_revision.data["title"] == "แก้ไข"  # kept for a publisher (tests/test_admin_lifecycle.py)

    def test_editor_cannot_delete(self, editor_client):
        release = ReleaseFactory(draft=True)
        response = editor_client.post(reverse("admin:releases_release_delete", args=[release.pk]), {"post": "yes"})
        assert response.status_code == 403
        assert Release.objects.filter(pk=release.pk).exists()

    def test_editor_cannot_publish_by_reverting_history(self, editor_client, publisher):
        release = ReleaseFactory()  # published: a published version is in its history
        release.status = Release.Status.DRAFT
        release.publish_at = None
        release.save()
        published_version = release.history.filter(status="published").first()
        url = reverse("admin:releases_release_simple_history", args=[release.pk, published_version.history_id])
        data = form_data(release.category, title=release.title, status="published", publish_at="29/09/2564 10:00")
        editor_client.post(url, data)
        release.refresh_from_db()
        assert release.status == "draft"

    def test_status_fields_read_only_for_editor(self, editor_client):
        release = ReleaseFactory(draft=True)
        page = editor_client.get(change_url(release)).content.decode()
        assert 'name="status"' not in page and 'name="publish_at"' not in page


class TestPhotoTable:
    def test_alt_text_required_to_publish_said_in_words(self, editor_client):
        """In the column's heading in Thai, not only in the help icon's tooltip."""
        release = ReleaseFactory(draft=True)
        page = editor_client.get(change_url(release)).content.decode()
        assert "คำอธิบายภาพ (alt text) (ต้องมีจึงจะเผยแพร่ได้)" in page


    @pytest.mark.parametrize("with_rows", [False, True])
    def test_every_field_of_the_photo_and_document_tables_has_a_visible_label(self, editor_client, with_rows):
        """Each input in a tabular inline has its own <label for>, not only the column's heading."""
        release = ReleaseFactory(draft=True)
        if with_rows:
            ReleaseImageFactory(release=release)
            ReleaseAttachmentFactory(release=release)
        page = editor_client.get(change_url(release)).content.decode()
        labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', page))
        for group in ("images-group", "attachments-group"):
            table = page[page.index(f'id="{group}"'):]
            table = table[: table.index("</table>")]
            inputs = re.findall(r"<(?:input|select|textarea)\b[^>]*>", table)
            visible = [tag for tag in inputs if 'type="hidden"' not in tag and "__prefix__" not in tag]
            assert visible
            for tag in visible:
                assert re.search(r'id="([^"]+)"', tag).group(1) in labelled, tag

    def test_the_inline_tables_first_column_heading_is_not_empty(self, editor_client):
        """The item column's heading has words for screen readers (axe: empty-table-header)."""
        release = ReleaseFactory(draft=True)
        page = editor_client.get(change_url(release)).content.decode()
        headings = re.findall(r'<th class="original">(.*?)</th>', page)
        assert headings
        assert all('class="visually-hidden">รายการ<' in heading for heading in headings)

    def test_help_text_is_in_words_where_aria_describedby_points(self, editor_client):
        """No aria-describedby names an id the page lacks (Django's tabular inline shows help only as a tooltip)."""
        release = ReleaseFactory(draft=True)
        ReleaseImageFactory(release=release)
        page = editor_client.get(change_url(release)).content.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        described = re.findall(r'aria-describedby="([^"]+)"', page)
        assert any("images-0-alt_text" in value for value in described)
        for value in described:
            assert set(value.split()) <= ids, value
        assert "Required before publishing" in page or "ต้องมี" in page


class TestPublisher:
    def test_publisher_publishes_through_form(self, publisher_client):
        release = ReleaseFactory(draft=True)
        data = form_data(release.category, title=release.title, status="published", publish_at="")
        response = publisher_client.post(change_url(release), data)
        assert response.status_code == 302
        release.refresh_from_db()
        assert release.is_published()

    def test_publisher_schedules(self, publisher_client):
        release = ReleaseFactory(draft=True)
        when = timezone.localtime(tomorrow())
        data = form_data(
            release.category, title=release.title, status="published",
            publish_at=f"{when:%d/%m}/{when.year + 543} {when:%H:%M}",
        )
        publisher_client.post(change_url(release), data)
        release.refresh_from_db()
        assert release.is_scheduled()
        assert not Release.objects.published().exists()

    def test_publish_and_unpublish_actions(self, publisher_client):
        drafts = [ReleaseFactory(draft=True), ReleaseFactory(draft=True)]
        publisher_client.post(CHANGELIST, {"action": "publish", "_selected_action": [r.pk for r in drafts]})
        assert Release.objects.published().count() == 2
        publisher_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [r.pk for r in drafts]})
        assert Release.objects.published().count() == 0

    def test_publish_action_brings_scheduled_forward_and_leaves_public_alone(self, publisher_client):
        scheduled = ReleaseFactory(scheduled=True)
        public = ReleaseFactory()
        public_since = public.publish_at
        publisher_client.post(CHANGELIST, {"action": "publish", "_selected_action": [scheduled.pk, public.pk]})
        scheduled.refresh_from_db()
        public.refresh_from_db()
        assert scheduled.is_published()
        assert public.publish_at == public_since

    def test_publisher_deletes(self, publisher_client):
        release = ReleaseFactory()
        publisher_client.post(reverse("admin:releases_release_delete", args=[release.pk]), {"post": "yes"})
        assert not Release.objects.filter(pk=release.pk).exists()


class TestAdminPages:
    def test_changelist_shows_buddhist_era_date_and_state(self, publisher_client):
        ReleaseFactory(release_date=datetime.date(2021, 9, 29), expected_image_count=2)
        ReleaseFactory(scheduled=True)
        page = publisher_client.get(CHANGELIST).content.decode()
        assert "29 ก.ย. 2564" in page
        assert "scheduled" in page.lower() or "ตั้งเวลา" in page

    @pytest.mark.parametrize("query", ["state=draft", "state=scheduled", "state=published", "year=2021", "photos=missing", "q=ข่าว"])
    def test_changelist_filters(self, publisher_client, query):
        ReleaseFactory()
        assert publisher_client.get(f"{CHANGELIST}?{query}").status_code == 200

    def test_admin_speaks_thai(self, publisher_client):
        page = publisher_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="th").content.decode()
        assert "ออกจากระบบ" in page  # "Log out", from Django's own Thai translation

    def test_admin_uses_the_thai_web_font(self, publisher_client):
        page = publisher_client.get(CHANGELIST).content.decode()
        assert "css/fonts.css" in page and "css/admin.css" in page

    def test_thai_date_input_rejects_nonsense(self, publisher_client):
        category = CategoryFactory()
        response = publisher_client.post(ADD_URL, form_data(category, release_date="31/02/2564"))
        assert response.status_code == 200
        assert not Release.objects.exists()

    def test_christian_era_input_is_not_shifted(self, publisher_client):
        category = CategoryFactory()
        publisher_client.post(ADD_URL, form_data(category, release_date="29/09/2021"))
        assert Release.objects.get().release_date == datetime.date(2021, 9, 29)

    def test_year_navigation_in_the_buddhist_era(self, publisher_client):
        ReleaseFactory(release_date=datetime.date(2020, 5, 1))
        ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        years = publisher_client.get(CHANGELIST_URL).content.decode()
        nav = years[years.index('class="toplinks"'):years.index("</nav>", years.index('class="toplinks"'))]
        assert ">2563</a>" in nav and ">2564</a>" in nav and "2020" not in nav.replace("=2020", "")
        months = publisher_client.get(CHANGELIST_URL, {"release_date__year": "2021"}).content.decode()
        nav = months[months.index('class="toplinks"'):months.index("</nav>", months.index('class="toplinks"'))]
        assert "2564" in nav and ">2021" not in nav and " 2021<" not in nav

    def test_christian_era_year_long_ago_is_refused_with_a_question(self, publisher_client):
        category = CategoryFactory()
        response = publisher_client.post(ADD_URL, form_data(category, release_date="29/09/1964"))
        assert response.status_code == 200
        assert "2507" in response.content.decode()
        assert not Release.objects.exists()

    def test_year_named_buddhist_era_is_not_stored_as_christian_era(self, publisher_client):
        category = CategoryFactory()
        response = publisher_client.post(ADD_URL, form_data(category, release_date="1 ม.ค. พ.ศ. 2100", publish_at="1 ม.ค. พ.ศ. 2100 10:00"))
        assert response.status_code == 200
        assert not Release.objects.exists()

    @pytest.mark.parametrize("year", ["0", "99999", "99999999999999999999"])
    def test_year_filter_out_of_range_is_empty_not_500(self, publisher_client, year):
        ReleaseFactory()
        response = publisher_client.get(f"{CHANGELIST}?year={year}")
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0

    @pytest.mark.parametrize("admin_name", ["releases_release", "releases_official", "releases_category"])
    @pytest.mark.parametrize("path", ["{pk}/history/abc/", "abc/history/1/", "abc/history/"])
    def test_history_ids_not_numbers_are_404(self, publisher_client, admin_name, path):
        release = ReleaseFactory()
        pk = {"releases_release": release.pk, "releases_official": OfficialFactory().pk, "releases_category": release.category_id}[admin_name]
        url = reverse(f"admin:{admin_name}_changelist") + path.format(pk=pk)
        assert publisher_client.get(url).status_code == 404

    def test_preview_of_draft_for_staff_who_may_edit(self, editor_client):
        release = ReleaseFactory(draft=True, title="ร่างข่าวลับ")
        url = reverse("admin:releases_release_preview", args=[release.pk])
        response = editor_client.get(url)
        assert response.status_code == 200
        assert "ร่างข่าวลับ" in response.content.decode()
        release.refresh_from_db()
        assert release.view_count == 0

    def test_preview_denied_to_staff_without_permission(self, client):
        release = ReleaseFactory(draft=True)
        login_verified(client, make_user("someone"))  # staff, no role
        response = client.get(reverse("admin:releases_release_preview", args=[release.pk]))
        assert response.status_code in (302, 403)

    def test_preview_not_public(self, client):
        release = ReleaseFactory(draft=True)
        response = client.get(reverse("admin:releases_release_preview", args=[release.pk]))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_history_records_who_changed(self, publisher_client, publisher):
        release = ReleaseFactory(draft=True)
        publisher_client.post(change_url(release), form_data(release.category, title="ชื่อใหม่"))
        latest = release.history.first()
        assert latest.title == "ชื่อใหม่" and latest.history_user == publisher

    @pytest.mark.parametrize(
        "field, value",
        [("translation", "abc"), ("translation", "99999999999999999999"), ("officials", ["abc"]),
         ("officials", ["99999999999999999999"]), ("officials", ["1\x00"])],
    )
    def test_hand_made_bad_ids_in_autocomplete_fields_are_form_errors(self, publisher_client, field, value):
        category = CategoryFactory()
        response = publisher_client.post(ADD_URL, form_data(category, **{field: value}))
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
        assert not Release.objects.exists()

    def test_autocomplete_fields_still_show_chosen_values(self, publisher_client):
        official = OfficialFactory(name_th="สมชาย")
        release = ReleaseFactory(draft=True)
        release.officials.add(official)
        page = publisher_client.get(change_url(release)).content.decode()
        assert f'<option value="{official.pk}" selected>' in page

    @pytest.mark.parametrize("action", ["publish", "unpublish", "delete_selected"])
    @pytest.mark.parametrize("selected", ["99999999999999999999", "abc", "1\x00"])
    def test_hand_made_action_post_with_bad_ids_changes_nothing(self, publisher_client, action, selected):
        release = ReleaseFactory(draft=True)
        response = publisher_client.post(CHANGELIST, {"action": action, "_selected_action": [str(release.pk), selected], "index": "0"})
        assert response.status_code in (200, 302)
        assert Release.objects.get(pk=release.pk).status == Release.Status.DRAFT

    @pytest.mark.parametrize(
        "params",
        [{"release_date__year": "99999999999999999999"}, {"release_date__year": "2021", "release_date__month": "99999999999999999999"},
         {"language__exact": "th\x00"}, {"category": "99999999999999999999"}, {"officials": "-99999999999999999999"}],
    )
    def test_changelist_lookups_django_lets_through_are_not_500(self, publisher_client, params):
        ReleaseFactory()
        response = publisher_client.get(CHANGELIST, params)
        assert response.status_code == 302 and response["Location"].endswith("?e=1")

    def test_hand_made_list_editable_post_with_out_of_range_id_is_not_500(self, publisher_client):
        category = CategoryFactory()
        order = category.order
        data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
                "form-0-id": "99999999999999999999", "form-0-order": "7", "_save": "Save"}
        response = publisher_client.post(reverse("admin:releases_category_changelist"), data)
        assert response.status_code == 200
        category.refresh_from_db()
        assert category.order == order

    def test_official_autocomplete_with_nul_byte_is_not_500(self, publisher_client):
        OfficialFactory(name_th="สมชาย")
        response = publisher_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "releases", "model_name": "release", "field_name": "officials", "term": "สม\x00ชาย"},
        )
        assert response.status_code == 200

    def test_official_autocomplete(self, publisher_client):
        OfficialFactory(name_th="ดอนทดสอบ")
        url = reverse("admin:autocomplete") + "?app_label=releases&model_name=release&field_name=officials&term=ดอน"
        response = publisher_client.get(url)
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["นายดอนทดสอบ"]


class TestSignInThrottle:
    def test_repeated_failed_sign_ins_are_locked_out(self, client, settings):
        make_user("victim")
        login = reverse("admin:login")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(login, {"username": "victim", "password": "wrong"})
        response = client.post(login, {"username": "victim", "password": "pw-victimvictim"})
        assert response.status_code == 429 or "locked" in response.content.decode().lower()
        assert "_auth_user_id" not in client.session

    def test_lock_out_is_keyed_by_the_forwarded_client_address(self, client, settings):
        """Behind the proxy, one client's bad passwords do not lock the account for another client."""
        settings.PROXY_COUNT = 1
        make_user("victim")
        login = reverse("admin:login")
        attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
        colleague = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(login, {"username": "victim", "password": "wrong"}, **attacker)
        assert client.post(login, {"username": "victim", "password": "pw-victimvictim"}, **attacker).status_code == 429
        response = client.post(login, {"username": "victim", "password": "pw-victimvictim"}, **colleague)
        assert response.status_code == 302
        assert "_auth_user_id" in client.session

    def test_spraying_many_usernames_from_one_address_is_limited(self, client, settings):
        make_user("victim")
        login = reverse("admin:login")
        for number in range(settings.AXES_FAILURE_LIMIT):
            client.post(login, {"username": f"guess{number}", "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
        response = client.post(login, {"username": "victim", "password": "pw-victimvictim"}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session


class TestYearFilter:
    def test_buddhist_era_years_once_per_generation(self, publisher_client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.factories import committed

        ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        committed()
        def years(response):
            changelist = response.context["cl"]
            spec = next(spec for spec in changelist.filter_specs if getattr(spec, "parameter_name", "") == "year")
            return [choice["display"] for choice in spec.choices(changelist)][1:]

        def distinct_dates(queries):
            return [q["sql"] for q in queries if "DISTINCT" in q["sql"] and "release_date" in q["sql"]]

        with CaptureQueriesContext(connection) as first_queries:
            first = publisher_client.get(CHANGELIST)
        assert "2564" in [str(y) for y in years(first)]
        with CaptureQueriesContext(connection) as queries:
            publisher_client.get(CHANGELIST)
        # The filter's years come from the cache; the date hierarchy above the list still asks.
        assert len(distinct_dates(queries)) == len(distinct_dates(first_queries)) - 1
        ReleaseFactory(release_date=datetime.date(2019, 1, 5))  # a new generation
        committed()
        assert "2562" in [str(y) for y in years(publisher_client.get(CHANGELIST))]
