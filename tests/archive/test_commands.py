"""import_releases output: the shared progress helper's bar and plain lines, quiet mode."""

import io
import re

import pytest
from django.core.management import call_command

from tests.archive.pages import page, write, run
from tests.factories import CategoryFactory


# --- progress and output ------------------------------------------------------------------


@pytest.mark.django_db
def test_plain_progress_lines_when_not_a_terminal(tmp_path, monkeypatch):
    from releases.management import progress

    CategoryFactory()
    monkeypatch.setattr(progress, "PLAIN_EVERY", 2)
    for number in range(5):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าว {number}"))
    out, _ = run(tmp_path)
    assert re.search(r"… 2 files \(\d+/s\)", out) and re.search(r"… 4 files", out)


@pytest.mark.django_db
def test_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    CategoryFactory()
    for number in range(3):
        write(tmp_path, f"r{number}.txt", page(title=f"ข่าว {number}"))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    call_command("import_releases", str(tmp_path), stdout=terminal)
    assert "3/3" in terminal.getvalue() and "file/s" in terminal.getvalue()


@pytest.mark.django_db
def test_quiet_shows_only_errors(tmp_path):
    CategoryFactory()
    write(tmp_path, "good.txt", page())
    write(tmp_path, "bad.txt", "")
    write(tmp_path, "skip.md", "")
    out, err = run(tmp_path, verbosity=0, expect_failure=True)
    assert out == ""
    assert err.strip() == f"{tmp_path / 'bad.txt'}:1: empty file (nothing but white space)"
