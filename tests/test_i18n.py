"""Thai interface by default, an English switch, and complete, compiled Thai translations."""

import ast
import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as gettext_, ngettext as ngettext_

from tests.factories import ReleaseFactory, login_verified, make_user

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"
VENDOR_LOCALE = Path(settings.BASE_DIR) / "config" / "locale"
# Every catalogue the project ships: its own messages, and Thai for what Django's admin,
# its scripts and simple_history leave in English.
CATALOGUES = [
    LOCALE / "th" / "LC_MESSAGES" / "django",
    VENDOR_LOCALE / "th" / "LC_MESSAGES" / "django",
    VENDOR_LOCALE / "th" / "LC_MESSAGES" / "djangojs",
]
# Identical in both languages on purpose.
SAME_IN_THAI = {"%(site)s: %(name)s"}


def po_entries(path):
    """(msgid, [msgstr, ...]) of each live entry of a .po file: a small reader, no gettext needed."""
    entries, current, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if current and current.get("msgid"):
                entries.append(current)
            current, key = None, None
            continue
        if line.startswith("#"):
            current = current or {"flags": ""}
            if line.startswith("#,"):
                current["flags"] += line
            continue
        match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (".*")$', line)
        current = current or {"flags": ""}
        if match:
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return entries


class TestDefaultAndSwitch:
    def test_thai_by_default(self, client):
        ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        page = client.get("/").content.decode()
        assert '<html lang="th">' in page
        assert "<h1>ข่าวประชาสัมพันธ์</h1>" in page
        assert "29 ก.ย. 2564" in page
        assert '<a href="http://testserver/en/" hreflang="en" lang="en">English</a>' in page

    def test_an_english_browser_still_gets_thai(self, client):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert '<html lang="th">' in response.content.decode()
        assert response["Content-Language"] == "th"
        assert "Accept-Language" not in response["Vary"] and "Cookie" in response["Vary"]

    def test_a_bad_language_cookie_falls_back_to_thai(self, client):
        client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "xx"})
        assert '<html lang="th">' in client.get("/").content.decode()

    def test_the_old_switch_sets_the_cookie_and_lands_on_the_english_url(self):
        thai_url = ReleaseFactory(release_date=datetime.date(2021, 9, 29)).get_absolute_url()
        client = Client(enforce_csrf_checks=True)
        response = client.post("/i18n/setlang/", {"language": "en", "next": thai_url})
        assert response.status_code == 302
        assert response["Location"] == f"/en{thai_url}"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        page = client.get(response["Location"]).content.decode()
        assert '<html lang="en">' in page
        assert "29 September 2021" in page
        assert "Officials" in page and f'<a href="http://testserver{thai_url}" hreflang="th" lang="th">' in page
        # The release keeps its own language whatever the interface's.
        assert '<article class="release" lang="th"' in page

    def test_the_old_switch_back_to_thai_from_an_english_url_with_its_query(self):
        client = Client()
        client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
        response = client.post("/i18n/setlang/", {"language": "th", "next": "/en/officials/?page=2"})
        assert response["Location"] == "/officials/?page=2"

    def test_english_list_dates_at_en_and_thai_at_the_thai_url(self):
        ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        client = Client()
        assert "29 Sep 2021" in client.get("/en/").content.decode()
        assert "29 ก.ย. 2564" in client.get("/").content.decode()

    def test_switch_refuses_to_redirect_off_site(self):
        response = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
        assert response["Location"] == "/en/"

    def test_every_page_links_to_itself_in_the_other_language_with_its_query(self, client):
        page = client.get("/officials/?page=1").content.decode()
        assert '<a href="http://testserver/en/officials/?page=1" hreflang="en" lang="en">English</a>' in page
        page = client.get("/en/officials/?page=1").content.decode()
        assert '<a href="http://testserver/officials/?page=1" hreflang="th" lang="th">ภาษาไทย</a>' in page

    def test_an_unknown_address_keeps_the_cookie_and_the_switch_form(self, client):
        client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
        response = client.get("/no-such-page/")
        page = response.content.decode()
        assert response.status_code == 404 and '<html lang="en">' in page
        assert 'action="/i18n/setlang/"' in page and 'name="next" value="/no-such-page/"' in page
        assert "hreflang" not in page.split("</head>")[0]

    def test_admin_shows_in_thai(self, client):
        login_verified(client, make_user("editor", role="Editor"))
        page = client.get("/admin/releases/release/add/").content.decode()
        for thai in ("หัวข้อข่าว", "เนื้อข่าว", "วันที่ของข่าว", "คำอธิบายภาพ (alt text)", "ระบบจัดการห้องข่าว"):
            assert thai in page, thai


class TestThaiAdmin:
    """What an editor meets in the admin is Thai, including what Django's own catalogue leaves in English."""

    @pytest.mark.parametrize(
        "english",
        [
            "The {name} “{obj}” was added successfully.",
            "The {name} “{obj}” was changed successfully.",
            "Show counts",
            "Start typing to filter…",
            "Clear all filters",
            "Change history: %s",
            "Revert %s",
        ],
    )
    def test_admin_messages_are_thai(self, english):
        with translation.override("th"):
            thai = gettext_(english)
        assert thai != english and re.search("[\u0e00-\u0e7f]", thai)

    def test_plural_error_summary_is_thai(self):
        with translation.override("th"):
            for count in (1, 3):
                assert ngettext_("Please correct the error below.", "Please correct the errors below.", count) == (
                    "กรุณาแก้ไขข้อผิดพลาดด้านล่าง"
                )

    def test_the_admin_scripts_catalogue_is_thai(self, editor_client):
        script = editor_client.get("/admin/jsi18n/").content.decode()
        # The selection counter under the change list ("0 of 10 selected").
        counter = re.search(r'"%\(sel\)s of %\(cnt\)s selected": \[\s*"([^"]*)"', script).group(1)
        assert counter.encode().decode("unicode_escape") == "เลือก %(sel)s จาก %(cnt)s"

    def test_change_list_has_no_english_counts_toggle(self, editor_client):
        ReleaseFactory()
        page = editor_client.get("/admin/releases/release/").content.decode()
        assert "Show counts" not in page and "แสดงจำนวน" in page


class TestTranslationFiles:
    @pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: f"{path.parents[3].name}/{path.name}")
    def test_every_string_has_a_thai_translation(self, catalogue):
        entries = po_entries(catalogue.with_suffix(".po"))
        assert len(entries) > 20
        untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
        fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
        assert untranslated == [] and fuzzy == []

    @pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: f"{path.parents[3].name}/{path.name}")
    def test_compiled_catalogue_matches_the_po_file(self, catalogue):
        """A fresh clone must not need gettext: the committed .mo carries every translation."""
        with open(catalogue.with_suffix(".mo"), "rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        for entry in po_entries(catalogue.with_suffix(".po")):
            if "msgctxt" in entry:
                translated = compiled.pgettext(entry["msgctxt"], entry["msgid"])
            elif "msgid_plural" in entry:
                translated = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            else:
                translated = compiled.gettext(entry["msgid"])
            assert translated != entry["msgid"] or entry["msgid"] in SAME_IN_THAI, entry["msgid"]
