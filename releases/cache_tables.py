"""The database cache's tables, made after every `migrate` so no deployment step can forget them."""

from django.core.management import call_command


def create_cache_tables(using="default", verbosity=0, **kwargs):
    """post_migrate: `createcachetable` for the database caches in CACHES (none with Redis).

    Idempotent: existing tables are left as they are. Without the tables every cache call
    would fail and be treated as an outage (pages uncached, views not counted)."""
    call_command("createcachetable", database=using, verbosity=verbosity)
