"""Parts of public pages computed once per content generation and reused, with the page cache on or off.

A fragment (the most-read block, a release's related releases, a list's count) is cached under the
page cache's generation token (releases/caching.py): every edit of a release, photo, official,
position, category or subject starts a new generation, and so does a scheduled release falling
due, so the next request computes it again. Readers arriving from search engines spread over the
whole archive, so whole pages are rarely hit twice; these parts are shared by many pages or asked
for again by the next reader of a page, and they were most of an uncached page's database time
(docs/performance.md, "Profile of uncached pages").
"""

import hashlib

from . import caching


def cached(name, parts, compute, token=None):
    """compute(), kept under `name` and `parts` for this generation (or the page lifetime, whichever ends first).

    Anything compute() returns must pickle; None is never cached. While the cache is unreachable
    every call computes: the fragment is an accelerator, never a source of truth.
    """
    token = token or caching.guarded_token()
    if token is None:
        return compute()
    described = ":".join(str(part) for part in parts)
    if len(described) > 64:  # a search query or many filters: keys must stay short for every cache backend
        described = hashlib.sha256(described.encode()).hexdigest()[:32]
    key = f"fragments:{name}:{token}:{described}"
    value = caching.lookup(key)
    if value is None:
        value = compute()
        if value is not None:
            caching.store(key, value)
    return value
