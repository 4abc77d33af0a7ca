"""The CSV of old addresses: source keys or site paths, all rows or none, clear errors; the command around it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from releases.redirects.csvimport import CSVError, import_csv
from releases.redirects.models import LegacyURL
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

CSV = (
    "old_url,source_key\n"
    "https://www.mfa.go.th/th/content/กต.แถลงข่าว?cate=5d5bcb4e15e39c306000683e,mfa/2564/press-0929\n"
    "http://www.mfa.go.th/main/en/news3/6886/119353-Minister-Meets.html,mfa/2564/press-0930\n"
    "\n"
    "/main/th/organize/1234-Ministers.html,/officials/\n"
)


def test_rows_point_old_addresses_at_releases_and_pages():
    thai, english = ReleaseFactory(source_key="mfa/2564/press-0929"), ReleaseFactory(source_key="mfa/2564/press-0930")
    result = import_csv(CSV)
    assert (result.created, result.updated) == (3, 0)
    rows = {row.path: (row.release, row.target_url) for row in LegacyURL.objects.all()}
    assert rows == {
        "/th/content/กต.แถลงข่าว": (thai, ""),
        "/main/en/news3/6886/119353": (english, ""),
        "/main/th/organize/1234-ministers.html": (None, "/officials/"),
    }
    assert (import_csv(CSV).created, import_csv(CSV).updated) == (0, 3)


def test_a_wrong_row_writes_nothing_and_names_its_line():
    ReleaseFactory(source_key="mfa/2564/press-0929")
    with pytest.raises(CSVError) as caught, translation.override("en"):
        import_csv("https://www.mfa.go.th/th/content/a,mfa/2564/press-0929\n/th/content/b,mfa/no-such-key\n/th/content/c\n/,/x\n/th/content/d,//evil.example/\n")
    assert [error.split(":")[0] for error in caught.value.errors] == ["line 2", "line 3", "line 4", "line 5"]
    assert "not a path on this site" in caught.value.errors[-1]
    assert "mfa/no-such-key" in caught.value.errors[0]
    assert not LegacyURL.objects.exists()


def test_command(tmp_path):
    ReleaseFactory(source_key="mfa/2564/press-0929")
    path = tmp_path / "old.csv"
    path.write_text("\ufeff/th/content/a,mfa/2564/press-0929\n", encoding="utf-8")
    call_command("import_redirects", str(path), verbosity=0)
    assert LegacyURL.objects.get().path == "/th/content/a"


def test_command_errors(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("/th/content/a,missing\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1: .*“missing”"):
        call_command("import_redirects", str(path))
    path.write_bytes(b"/th/content/\xff,x\n")
    with pytest.raises(CommandError):
        call_command("import_redirects", str(path))
    with pytest.raises(CommandError):
        call_command("import_redirects", str(tmp_path / "absent.csv"))


def test_a_nul_byte_is_refused():
    with pytest.raises(CSVError):
        import_csv("/th/content/a\x00,/x\n")
