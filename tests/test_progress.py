"""releases/management/progress.py: the progress display shared by the long management commands."""

import io

from django.core.management.base import BaseCommand, OutputWrapper

from releases.management.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def command(stdout=None, stderr=None):
    cmd = BaseCommand()
    cmd.stdout, cmd.stderr = OutputWrapper(stdout or io.StringIO()), OutputWrapper(stderr or io.StringIO())
    return cmd


def test_plain_lines_say_n_of_total_when_the_total_is_known():
    out = io.StringIO()
    with Progress(command(stdout=out), unit="release", total=5, every=2) as progress:
        for _ in range(5):
            progress.update()
    assert out.getvalue().split() == ["2/5", "4/5"]


def test_plain_lines_give_a_rate_without_a_total_and_never_count_it_off_a_terminal():
    out = io.StringIO()
    with Progress(command(stdout=out), unit="file", total=lambda: 1 / 0, every=3) as progress:
        progress.update(3)
        progress.write("a message")
    assert out.getvalue().startswith("… 3 files (") and "a message" in out.getvalue()


def test_nothing_below_verbosity_one_but_errors():
    out, err = io.StringIO(), io.StringIO()
    with Progress(command(stdout=out, stderr=err), total=2, every=1, verbosity=0) as progress:
        progress.update(2)
        progress.write("bad", error=True)
    assert out.getvalue() == "" and err.getvalue() == "bad\n"


def test_a_bar_on_a_terminal_counts_its_total_once(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    calls = []
    with Progress(command(stdout=terminal), unit="file", total=lambda: calls.append(1) or 3) as progress:
        progress.update(3)
    assert calls == [1] and "3/3" in terminal.getvalue()
