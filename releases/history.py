"""Version history for the admin: django-simple-history, its manager class built once per model, one version per save."""

from functools import cached_property

from django.conf import settings
from simple_history import manager, models
from simple_history.utils import get_m2m_field_name


class HistoryDescriptor(manager.HistoryDescriptor):
    """simple_history's descriptor rebuilds its manager class (`from_queryset`, which walks every
    queryset method with `inspect.getmembers`) on every access, i.e. on every save: ~0.5 ms a
    release, a tenth of an archive import's time in its own process. The class never changes."""

    @cached_property
    def _manager_class(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self._manager_class(self.model, instance)


class HistoricalRecords(models.HistoricalRecords):
    """simple_history's HistoricalRecords with the descriptor above."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        built = sender.__dict__.get(self.manager_name)
        if type(built) is manager.HistoryDescriptor:
            setattr(sender, self.manager_name, HistoryDescriptor(built.model, built.manager_class, built.queryset_class))

    def create_historical_record_m2ms(self, history_instance, instance):
        # Remembered so that a many-to-many change made right after this save (the admin's
        # save_m2m, the importer's suggestions) amends this version instead of adding another.
        instance._history_version = history_instance
        # A row just inserted has no relations yet: spare the import two queries per new release.
        if history_instance.history_type != "+":
            self.snapshot_m2m(history_instance, instance)

    def snapshot_m2m(self, version, instance):
        """The version's copy of each tracked relation: one query to read it, one to write it.

        simple_history's own rebuilds the row from the version first (one more query per field),
        only to find the same link table; the signals it sends have no receiver here.
        """
        for field in version._history_m2m_fields:
            history_model = self.m2m_models[field]
            through = field.remote_field.through
            columns = [column.attname for column in through._meta.fields]
            rows = through.objects.filter(**{get_m2m_field_name(field): instance}).values_list(*columns)
            history_model.objects.bulk_create([history_model(history=version, **dict(zip(columns, row))) for row in rows])

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        """A change of a tracked many-to-many field: recorded with who and when like any change.

        Right after the row's own save, the version that save made is brought up to date (one
        admin save is one version, not one per field); otherwise the change is a version of its
        own. From the other side (`country.releases.add(release)`) each release changed gets one.
        """
        if action not in ("post_add", "post_remove", "post_clear") or hasattr(instance, "skip_history_when_saving"):
            return
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        if reverse:
            if pk_set:
                for release in self.cls._default_manager.filter(pk__in=pk_set):
                    super().m2m_changed(release, action, attr, pk_set, False, **kwargs)
            return
        version = getattr(instance, "_history_version", None)
        if version is None or version.history_type == "-":
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        for field in version._history_m2m_fields:
            self.m2m_models[field].objects.filter(history=version).delete()
        self.snapshot_m2m(version, instance)
