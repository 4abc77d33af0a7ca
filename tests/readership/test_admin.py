"""The readership screens: who sees them, fixed query counts, the SVG chart and its table, CSV, the change-list column."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from releases.models import Release
from tests.factories import committed
from tests.factories import OfficialFactory, ReleaseFactory, ReleaseViewDayFactory, login_verified, make_user

DASHBOARD = reverse("admin:releases_releaseviewday_changelist")
CHANGE_LIST = reverse("admin:releases_release_changelist")


def release_page(release):
    return reverse("admin:releases_readership_release", args=[release.pk])


@pytest.fixture
def views(db):
    """Two releases read over the last days, one mentioning an official."""
    today = timezone.localdate()
    busy, quiet = ReleaseFactory(title="ข่าวเด่น"), ReleaseFactory(title="ข่าวเงียบ")
    busy.officials.add(OfficialFactory(name_th="สมชาย"))
    for back in range(10):
        ReleaseViewDayFactory(release=busy, date=today - datetime.timedelta(days=back), views=10 + back)
    ReleaseViewDayFactory(release=busy, date=today, channel="line", views=7)
    ReleaseViewDayFactory(release=quiet, date=today - datetime.timedelta(days=20), views=3)
    return busy, quiet


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_is_sent_to_sign_in(self, client, views):
        for url in (DASHBOARD, DASHBOARD + "?csv=daily", release_page(views[0])):
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response["Location"]

    def test_staff_without_the_permission_get_no_data(self, client, views):
        clerk = make_user("clerk")
        clerk.user_permissions.add(Permission.objects.get(codename="view_release"))
        login_verified(client, clerk)
        for url in (DASHBOARD, DASHBOARD + "?csv=week", release_page(views[0])):
            response = client.get(url)
            assert response.status_code == 403
            assert "ข่าวเด่น".encode() not in response.content
        assert "ReleaseViewDay" not in str(client.get(reverse("admin:index")).context["app_list"])

    @pytest.mark.parametrize("role_client", ["editor_client", "publisher_client"])
    def test_both_roles_see_the_dashboard(self, request, role_client, views):
        response = request.getfixturevalue(role_client).get(DASHBOARD)
        assert response.status_code == 200
        assert "ข่าวเด่น" in response.content.decode()

    def test_it_is_read_only(self, publisher_client, views):
        row = views[0].view_days.first()
        assert publisher_client.get(f"{DASHBOARD}add/").status_code == 404
        assert publisher_client.post(f"{DASHBOARD}{row.pk}/delete/").status_code == 404


@pytest.mark.django_db
class TestDashboard:
    def test_chart_with_its_table_and_every_report(self, editor_client, views):
        page = editor_client.get(DASHBOARD + "?days=30").content.decode()
        assert '<svg class="readership-chart"' in page and 'role="img"' in page
        assert 'id="daily-table"' in page and "<script" not in page.split('id="readership"')[1]
        for text in ("สมชาย", "LINE", "ข่าวเงียบ"):
            assert text in page
        assert page.count("<rect") == 30

    def test_a_fixed_number_of_queries_whatever_the_data(self, editor_client, views, django_assert_num_queries):
        editor_client.get(DASHBOARD + "?days=365")  # closed days summed, the fiscal years cached from here on
        # Session, user, the verified second-factor device, two for permissions; then whether the
        # period's closed days are summed, two for the chart, three each for categories and
        # officials (sums, open days, names), two for channels, two each for the most read (sums, titles).
        with django_assert_num_queries(20) as few:
            editor_client.get(DASHBOARD + "?days=365")
        more = ReleaseFactory()
        more.officials.add(OfficialFactory(), OfficialFactory())
        for back in range(40):
            ReleaseViewDayFactory(release=more, date=timezone.localdate() - datetime.timedelta(days=back))
        with django_assert_num_queries(len(few)):
            editor_client.get(DASHBOARD + "?days=365")

    def test_buddhist_era_period_and_errors(self, editor_client, views):
        today = timezone.localdate()
        be = f"{today.day:02d}/{today.month:02d}/{today.year + 543}"
        response = editor_client.get(DASHBOARD, {"start": be, "end": be})
        assert response.context["period"].days == 1 and response.context["total"] == 17
        response = editor_client.get(DASHBOARD, {"start": "31/12/2568", "end": "01/01/2568"})
        assert response.status_code == 200 and response.context["form"].errors

    def test_csv_has_a_bom_and_thai_text(self, editor_client, views):
        response = editor_client.get(DASHBOARD + "?csv=week")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        lines = text.lstrip("\ufeff").splitlines()
        assert lines[1] == f"ข่าวเด่น,{sum(10 + back for back in range(7)) + 7}"

    @pytest.mark.parametrize("table", ["daily", "week", "month", "category", "official", "channel", "fiscal"])
    def test_every_table_exports(self, editor_client, views, table):
        response = editor_client.get(DASHBOARD, {"csv": table, "days": 90})
        assert response.status_code == 200 and len(response.content.decode("utf-8-sig").splitlines()) >= 2

    def test_unknown_export_is_404(self, editor_client, views):
        assert editor_client.get(DASHBOARD + "?csv=users").status_code == 404


@pytest.mark.django_db
class TestReleasePage:
    def test_views_per_day_since_publication_and_first_72_hours(self, editor_client):
        release = ReleaseFactory(publish_at=timezone.now() - datetime.timedelta(days=5))
        published = timezone.localdate(release.publish_at)
        for back, views in ((0, 4), (2, 5), (3, 50)):
            ReleaseViewDayFactory(release=release, date=published + datetime.timedelta(days=back), views=views)
        response = editor_client.get(release_page(release))
        assert response.status_code == 200
        assert response.context["summary"]["first_days"] == 9
        assert len(response.context["daily"]) == (timezone.localdate() - published).days + 1
        assert "<svg" in response.content.decode()
        csv_text = editor_client.get(release_page(release) + "?csv=daily").content.decode("utf-8-sig")
        assert csv_text.splitlines()[1].endswith(",4")

    def test_missing_release_is_404(self, editor_client):
        assert editor_client.get(reverse("admin:releases_readership_release", args=[999999])).status_code == 404


def views_column(client, name="views_last_7_days"):
    """The change list's "o" index of a column (action checkboxes come first for those with actions)."""
    headers = client.get(CHANGE_LIST).context["cl"].list_display
    return next(index for index, header in enumerate(headers) if getattr(header, "__name__", header) == name)


@pytest.mark.django_db
def test_change_list_sorts_by_views_of_the_last_7_days(editor_client, views):
    busy, quiet = views
    ordered = editor_client.get(CHANGE_LIST, {"o": f"-{views_column(editor_client)}"}).context["cl"].result_list
    assert [(release.pk, release.views_recent) for release in ordered][:2] == [(busy.pk, sum(10 + b for b in range(7)) + 7), (quiet.pk, 0)]


@pytest.fixture
def ranked(db):
    """Seven releases with distinct views this week (some also older views, photos, an official), two with none."""
    from tests.factories import ReleaseImageFactory

    today, official = timezone.localdate(), OfficialFactory(name_th="สมหญิง")
    releases = {}
    for weekly in (0, 0, 3, 5, 8, 13, 21, 34, 55):
        release = ReleaseFactory()
        releases[release.pk] = weekly
        if weekly:
            # Split over days and channels; a row from before the week must not count.
            ReleaseViewDayFactory(release=release, date=today, channel="line", views=weekly - 1)
            ReleaseViewDayFactory(release=release, date=today - datetime.timedelta(days=6), views=1)
            ReleaseViewDayFactory(release=release, date=today - datetime.timedelta(days=7), views=100)
        if weekly % 2:
            ReleaseImageFactory.create_batch(3, release=release)
            release.officials.add(official)
    return releases, official


def _page_rows(client, params):
    response = client.get(CHANGE_LIST, params)
    assert response.status_code == 200
    cl = response.context["cl"]
    return cl, [(release.pk, release.views_recent) for release in cl.result_list]


@pytest.mark.django_db
@pytest.mark.parametrize("descending", [True, False])
def test_change_list_sorted_by_the_column_pages_through_every_release_in_order(editor_client, ranked, monkeypatch, descending):
    from releases.admin import ReleaseAdmin

    releases, _official = ranked
    monkeypatch.setattr(ReleaseAdmin, "list_per_page", 2)
    order = f"{'-' if descending else ''}{views_column(editor_client)}"
    expected = sorted(releases.items(), key=lambda item: (item[1], item[0]), reverse=descending)
    if not descending:  # the list's tie-break stays newest id first
        expected = sorted(releases.items(), key=lambda item: (item[1], -item[0]))
    shown = []
    for page in range(1, 6):
        cl, rows = _page_rows(editor_client, {"o": order, "p": page})
        assert cl.result_count == len(releases) and cl.multi_page
        shown += rows
    assert shown == expected
    # The photo column beside it is not multiplied by the week's rows, nor the column by photos.
    cl, rows = _page_rows(editor_client, {"o": order, "p": 1 if descending else 5})
    release = next(release for release in cl.result_list if release.views_recent == 55)
    assert release.n_images == 3


@pytest.mark.django_db
def test_change_list_sorted_and_filtered_by_officials_counts_and_sums_each_release_once(editor_client, ranked, monkeypatch):
    """A release mentioning both officials of `officials__id__in` is two joined rows: still one row, one sum."""
    from releases.admin import ReleaseAdmin

    releases, official = ranked
    other = OfficialFactory(name_th="สมศักดิ์")
    for pk, views in releases.items():
        if views in (0, 13):  # doubled, 13 would pass 21
            Release.objects.get(pk=pk).officials.add(other)
    monkeypatch.setattr(ReleaseAdmin, "list_per_page", 2)
    mentioned = sorted(((pk, views) for pk, views in releases.items() if views % 2 or views in (0, 13)), key=lambda item: (-item[1], -item[0]))
    shown, column = [], views_column(editor_client)
    for page in (1, 2, 3, 4):
        cl, rows = _page_rows(editor_client, {"o": f"-{column}", "officials__id__in": f"{official.pk},{other.pk}", "p": page})
        assert cl.result_count == len(mentioned)
        shown += rows
    assert shown == mentioned


@pytest.mark.django_db
def test_change_list_sorted_by_the_column_cuts_the_page_ids_first(editor_client, ranked, monkeypatch):
    """Sorted by the column, the page's rows are read by ids cut first (`id IN (… LIMIT n)`): the
    subquery of the rows and their order runs for the page alone, and the counts never touch the
    daily rows. The ids come from one join of the week's rows grouped by release on PostgreSQL,
    from the per-release subquery over ids alone on SQLite. Same number of queries as the default order."""
    from releases.admin import ReleaseAdmin

    monkeypatch.setattr(ReleaseAdmin, "list_per_page", 2)
    column = views_column(editor_client)
    with CaptureQueriesContext(connection) as default:
        editor_client.get(CHANGE_LIST)
    with CaptureQueriesContext(connection) as queries:
        _page_rows(editor_client, {"o": f"-{column}", "p": 2})
    sql = [query["sql"] for query in queries.captured_queries]
    page = [text for text in sql if "views_recent" in text]
    assert len(page) == 1 and len(sql) == len(default.captured_queries)
    head, inner = page[0].split(' IN (SELECT ', 1)
    assert inner.startswith('V0."id" AS "pk" FROM "releases_release" V0 ') and "LIMIT 2 OFFSET 2" in inner
    if connection.vendor == "postgresql":
        assert 'LEFT OUTER JOIN "releases_releaseviewday"' in inner and "GROUP BY" in inner
    else:
        assert "releaseimage" not in inner and "JOIN" not in inner
    counts = [text for text in sql if text.upper().startswith("SELECT COUNT(")]
    assert counts and not any("releaseviewday" in text for text in counts)


@pytest.mark.django_db
def test_change_list_counts_do_not_compute_the_column(editor_client, views):
    """The column is not grouped by: the list's counts never sum daily views (they did for every release)."""
    url = reverse("admin:releases_release_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(url)
    assert response.status_code == 200
    counts = [query["sql"] for query in queries.captured_queries if query["sql"].upper().startswith("SELECT COUNT(")]
    assert counts and not any("releaseviewday" in sql for sql in counts)
    page = [query["sql"] for query in queries.captured_queries if "views_recent" in query["sql"]]
    assert page and all("releaseviewday" not in sql.rsplit("GROUP BY", 1)[-1] for sql in page)


@pytest.mark.django_db
def test_change_list_photo_counts_are_exact_without_grouping_every_release(editor_client):
    """Photos are counted by a subquery: no GROUP BY in the page query, none in the counts."""
    from tests.factories import ReleaseImageFactory

    two, none = ReleaseFactory(title="สองภาพ", expected_image_count=3), ReleaseFactory(title="ไม่มีภาพ")
    ReleaseImageFactory.create_batch(2, release=two)
    url = reverse("admin:releases_release_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(url)
    shown = {release.pk: release.n_images for release in response.context["cl"].result_list}
    assert shown == {two.pk: 2, none.pk: 0}
    page = [q["sql"] for q in queries.captured_queries if "n_images" in q["sql"]]
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")]
    # Only the subqueries group (by the photo's or the day's release), never the releases themselves.
    assert page and not any('GROUP BY "releases_release"' in sql for sql in page)
    assert counts and not any("releaseimage" in sql for sql in counts)
    missing = editor_client.get(url, {"photos": "missing"}).context["cl"].result_list
    assert [release.pk for release in missing] == [two.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["image_count", "views_last_7_days"])
def test_change_list_query_count_does_not_grow_with_releases(editor_client, views, django_assert_max_num_queries, monkeypatch, column):
    from releases.admin import ReleaseAdmin
    from tests.factories import ReleaseImageFactory

    monkeypatch.setattr(ReleaseAdmin, "list_per_page", 2)  # paginated, as a real list is
    order = {"o": f"-{views_column(editor_client, column)}"}
    committed()  # the generation's state ready, as after any edit (the year filter is a fragment of it)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(CHANGE_LIST, order)
    for release in ReleaseFactory.create_batch(5):
        ReleaseImageFactory(release=release)
        ReleaseViewDayFactory(release=release, date=timezone.localdate(), views=2)
    committed()
    with django_assert_max_num_queries(len(few)):
        assert editor_client.get(CHANGE_LIST, order).status_code == 200
