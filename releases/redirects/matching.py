"""One form for an old address: path and query, unquoted, NFC, ASCII lower-cased, no trailing slash, no noise."""

import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

MAX_PATH_LENGTH = 500
# Parameters that never pick the content: the old site's menu (?cate=) and link tracking.
IGNORED_PARAMETERS = frozenset({"cate", "fbclid", "gclid", "igshid", "lang"})
IGNORED_PREFIXES = ("utm_",)
# Where the old site served content; a miss under these is counted for editors (see models).
OLD_PREFIXES = ("/main/", "/th/content/", "/en/content/")
# The old site's news pages: /main/th/news3/<category>/<id>-<title>.html (also /en/... and /main/en/...).
# The title part is dropped: shared links truncate and re-encode it, the id is enough.
_NEWS3 = re.compile(r"^(?:/main)?/(th|en)/news3/([0-9]+)/([0-9]+)(?:-[^/]*)?(?:\.html?)?$")
_SLASHES = re.compile(r"/{2,}")
_ASCII_UPPER = re.compile(r"[A-Z]+")


def _ascii_lower(text):
    # Only the Latin letters: Thai has no case, and str.lower() would touch other scripts too.
    return _ASCII_UPPER.sub(lambda match: match.group().lower(), text)


def _ignored(name):
    return name in IGNORED_PARAMETERS or name.startswith(IGNORED_PREFIXES)


def normalise(url):
    """The stored form of an old address (a full URL or a path with query); "" if there is no path."""
    parts = urlsplit(url.strip())
    path = unicodedata.normalize("NFC", unquote(parts.path, errors="replace"))
    path = _ascii_lower(_SLASHES.sub("/", path))
    if not path.startswith("/"):
        path = "/" + path
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    news = _NEWS3.match(path)
    if news:
        path = "/main/{}/news3/{}/{}".format(*news.groups())
    pairs = [
        (_ascii_lower(unicodedata.normalize("NFC", name)), unicodedata.normalize("NFC", value))
        for name, value in parse_qsl(parts.query, keep_blank_values=True, errors="replace")
    ]
    kept = sorted((name, value) for name, value in pairs if not _ignored(name))
    return path + ("?" + urlencode(kept, safe="/") if kept else "")


def candidates(url):
    """The stored forms that may answer for `url`: the full form, then the path alone."""
    full = normalise(url)
    path = full.split("?", 1)[0]
    return [full] if full == path else [full, path]


def storable(path):
    """Fits the column, and no NUL (PostgreSQL refuses one in text: a query with it would be a 500)."""
    return len(path) <= MAX_PATH_LENGTH and "\x00" not in path


def is_site_path(text):
    """A path on this site: starts with one "/" ("//host" and "/\\host" lead browsers elsewhere)."""
    return text.startswith("/") and not text.startswith(("//", "/\\")) and not any(char.isspace() for char in text)


def is_old_address(path):
    """Is `path` (normalised) under one of the old site's content prefixes?"""
    return path.startswith(OLD_PREFIXES)
