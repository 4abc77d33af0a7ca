"""The search index's signal handlers, connected by `register()` from ReleasesConfig.ready()."""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save

from ..models import Official, Release
from .documents import document_for
from .indexing import deferring, ensure_index, reindex
from .vocabulary import dictionary

TEXT_FIELDS = {"title", "summary", "body"}
NAME_FIELDS = ("honorific", "name_th", "name_en", "aliases")

def _index_on_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or update_fields is not None or deferring():
        return
    trie = dictionary.trie(verify=True)
    for field, value in document_for(instance, trie).items():
        setattr(instance, field, value)

def _index_on_partial_save(sender, instance, update_fields=None, raw=False, **kwargs):
    # save(update_fields=[...]) would not write fields set in pre_save.
    if raw or (update_fields is not None and not (set(update_fields) & TEXT_FIELDS)):
        return
    if deferring():
        deferring().note([instance.pk])  # created or changed: indexed at the next flush
    elif update_fields is not None:
        reindex([instance.pk])

def _index_on_officials_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # official.releases.clear(): remember who was linked
        instance._search_release_ids = list(instance.releases.values_list("pk", flat=True))
    elif reverse and action == "post_clear":
        reindex(getattr(instance, "_search_release_ids", []))
    elif reverse and action in ("post_add", "post_remove"):  # pk_set holds releases
        reindex(pk_set)
    elif action in ("post_add", "post_remove", "post_clear"):
        reindex([instance.pk])

def _remember_official_names(sender, instance, raw=False, **kwargs):
    # Only a change of names re-indexes the official's releases (a minister may have thousands).
    stored = Official.objects.filter(pk=instance.pk).values_list(*NAME_FIELDS).first() if instance.pk else None
    instance._search_names_changed = stored != tuple(getattr(instance, f) for f in NAME_FIELDS)

def _index_on_official_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not getattr(instance, "_search_names_changed", True):
        return
    dictionary.refresh()
    if not created:
        reindex(official=instance)

def _remember_official_releases(sender, instance, **kwargs):
    instance._search_release_ids = list(instance.releases.values_list("pk", flat=True))

def _index_on_official_deleted(sender, instance, **kwargs):
    dictionary.refresh()
    reindex(getattr(instance, "_search_release_ids", []))

def _ensure_index_after_migrate(sender, app_config=None, using="default", **kwargs):
    # Later migrations' SQLite table rebuilds drop the index's triggers: re-check after each migrate.
    if app_config is not None and app_config.label == "releases":
        ensure_index(connections[using])

def register():
    """Connect the handlers (once: dispatch_uid makes a second call harmless)."""
    pre_save.connect(_index_on_save, sender=Release, dispatch_uid="search_pre_save")
    post_save.connect(_index_on_partial_save, sender=Release, dispatch_uid="search_post_save")
    m2m_changed.connect(_index_on_officials_changed, sender=Release.officials.through, dispatch_uid="search_officials_changed")
    pre_save.connect(_remember_official_names, sender=Official, dispatch_uid="search_official_saving")
    post_save.connect(_index_on_official_saved, sender=Official, dispatch_uid="search_official_saved")
    pre_delete.connect(_remember_official_releases, sender=Official, dispatch_uid="search_official_deleting")
    post_delete.connect(_index_on_official_deleted, sender=Official, dispatch_uid="search_official_deleted")
    post_migrate.connect(_ensure_index_after_migrate, dispatch_uid="search_post_migrate")
