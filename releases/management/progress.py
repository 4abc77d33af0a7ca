"""The one progress display of long management commands: a bar on a terminal, a plain line now and then otherwise."""

import sys
import time

PLAIN_EVERY = 1000  # items, or
PLAIN_SECONDS = 15  # seconds, whichever comes first


class Progress:
    """Progress of `command` over items counted with update(); messages go through write() so that
    they never break the bar.

    On a terminal (the command's `stream` is a tty) a tqdm bar; its `total` may be a callable,
    called only then (counting can cost a walk of the archive). Elsewhere (logs, pipes, cron) a
    plain line every `every` items or `seconds` seconds: "n/total" when the total is known,
    "… n units (rate/s)" when not. Nothing below verbosity 1.
    """

    def __init__(self, command, *, unit="item", total=None, verbosity=1, stream="stdout", every=None, seconds=None):
        self.command, self.unit, self.verbosity, self.stream = command, unit, verbosity, stream
        self.every, self.seconds = every or PLAIN_EVERY, seconds or PLAIN_SECONDS
        self.bar = None
        output = getattr(command, stream)
        if verbosity >= 1 and output.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total() if callable(total) else total, unit=unit, dynamic_ncols=True,
                file=sys.stdout if stream == "stdout" else sys.stderr,  # the real stream: tqdm redraws with \r
            )
            total = self.bar.total
        self.total = None if callable(total) else total
        self.count, self.started = 0, time.monotonic()
        self.last_line_at, self.last_line_count = self.started, 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self.bar is not None:
            self.bar.close()

    def write(self, text, error=False):
        """A message above the bar (stderr when `error`)."""
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr if error else sys.stdout)
        else:
            (self.command.stderr if error else self.command.stdout).write(text)

    def update(self, n=1):
        """`n` more items done."""
        self.count += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        due = self.count - self.last_line_count >= self.every or now - self.last_line_at >= self.seconds
        if self.verbosity >= 1 and due:
            if self.total is not None:
                line = f"{self.count}/{self.total}"
            else:
                rate = self.count / (now - self.started) if now > self.started else 0
                line = f"… {self.count:,} {self.unit}s ({rate:.0f}/s)"
            getattr(self.command, self.stream).write(line)
            self.last_line_at, self.last_line_count = now, self.count
