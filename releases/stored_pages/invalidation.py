"""Which stored pages a change outdates, removed when it is made and again when it commits.

A release's page shows its own rows (photos, documents, videos, corrections, officials with their
positions, countries and topics), its translation's link, its two neighbours and up to four
related releases from within WINDOW_DAYS of its date. So a saved or deleted release outdates its
own pages, its translation's, those of the releases near it in time (before and after a change
of date), the pages that link to it as a neighbour and those of its new neighbours. A change to
one of its rows outdates its own pages. A renamed official, position, category, country or topic
can be on any page: all go. Bulk writers (the archive import, the generator) drop all at the end.
"""

import functools

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save

from .. import caching
from .models import StoredPage
from .store import NEAR


def forget_all():
    """Every stored page goes; each is rendered again when next read."""
    StoredPage.objects.all().delete()


def forget_pages_of(release_ids):
    """The stored pages of these releases go (their own rows changed)."""
    StoredPage.objects.filter(release_id__in=list(release_ids)).delete()


def forget_around(pk, translation_ids=(), dates=()):
    """The stored pages release `pk` may appear on, as it is now and as it was before the change
    (`translation_ids` and `dates`: its translation and release date, old and new)."""
    from ..models import Release

    touched = Q(release_id=pk) | Q(older_id=pk) | Q(newer_id=pk)
    touched |= Q(release_id__in=Release.objects.filter(translation_id=pk).values("pk"))
    touched |= Q(release_id__in=[other for other in translation_ids if other])
    for day in set(dates) - {None}:
        touched |= Q(release_date__range=(day - NEAR, day + NEAR))
    for link in Release.objects.neighbours(pk) or ():  # its neighbours now (none once it is deleted)
        if link:
            touched |= Q(release_id=link["pk"])
    StoredPage.objects.filter(touched).delete()


def _now_and_on_commit(operation, *args):
    """Now, and again once the transaction commits: a page rendered from the old rows in between
    is refused by the store (the generation moved) or removed by the second pass."""
    if caching.deferring():
        return
    operation(*args)
    transaction.on_commit(functools.partial(operation, *args))


def _remember_loaded(sender, instance, **kwargs):
    # As loaded (no query): the pages near the old date, and the old translation's, link to it too.
    loaded = instance.__dict__
    if "release_date" in loaded and "translation_id" in loaded:
        instance._stored_pages_before = (loaded["release_date"], loaded["translation_id"])
    else:
        instance._stored_pages_before = None  # deferred: read before a save


def _remember_before(sender, instance, raw=False, **kwargs):
    # A row loaded without its date or translation (only(), defer()): read them before the save.
    if getattr(instance, "_stored_pages_before", None) is not None or raw or instance.pk is None:
        return
    if caching.deferring():
        return
    row = sender._default_manager.filter(pk=instance.pk).values_list("release_date", "translation_id").first()
    instance._stored_pages_before = row


def _release_saved(sender, instance, raw=False, **kwargs):
    # Any save: Release.save() writes its derived fields (slug, summary) with every partial save.
    if raw:
        return
    date, translation_id = getattr(instance, "_stored_pages_before", None) or (None, None)
    _now_and_on_commit(forget_around, instance.pk, (translation_id, instance.translation_id), (date, instance.release_date))
    instance._stored_pages_before = (instance.release_date, instance.translation_id)


def _release_deleted(sender, instance, **kwargs):
    _now_and_on_commit(forget_around, instance.pk, (instance.translation_id,), (instance.release_date,))


def _row_changed(sender, instance, **kwargs):
    _now_and_on_commit(forget_pages_of, [instance.release_id])


def _shown_anywhere(sender, **kwargs):
    _now_and_on_commit(forget_all)


def _links_changed(sender, instance, action, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # official.releases.add(...) and the like: several releases, maybe unknown ones
        _now_and_on_commit(forget_all)
    else:
        _now_and_on_commit(forget_around, instance.pk, (instance.translation_id,), (instance.release_date,))


def register():
    """Connect the handlers (called from ReleasesConfig.ready())."""
    from ..models import Category, Official, Position, Release, ReleaseEvent, ReleaseImage
    from ..attachments.models import ReleaseAttachment
    from ..taxonomy.models import Country, Topic
    from ..video.models import ReleaseVideo

    post_init.connect(_remember_loaded, sender=Release, dispatch_uid="stored_pages.loaded")
    pre_save.connect(_remember_before, sender=Release, dispatch_uid="stored_pages.before")
    post_save.connect(_release_saved, sender=Release, dispatch_uid="stored_pages.release_saved")
    post_delete.connect(_release_deleted, sender=Release, dispatch_uid="stored_pages.release_deleted")
    for model in (ReleaseImage, ReleaseAttachment, ReleaseVideo, ReleaseEvent):
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"stored_pages.saved_{model.__name__}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"stored_pages.deleted_{model.__name__}")
    for model in (Official, Position, Category, Country, Topic):
        post_save.connect(_shown_anywhere, sender=model, dispatch_uid=f"stored_pages.saved_{model.__name__}")
        post_delete.connect(_shown_anywhere, sender=model, dispatch_uid=f"stored_pages.deleted_{model.__name__}")
    for through in (Release.officials.through, Release.countries.through, Release.topics.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"stored_pages.links_{through.__name__}")
    caching.after_bulk_change.append(forget_all)
