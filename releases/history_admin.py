"""The admin's version history: one base class, so viewing and reverting follow the change form's rules for every model."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.utils import get_history_manager_for_model, get_m2m_reverse_field_name


def _require_ids(*values):
    if not all(str(value).isascii() and str(value).isdigit() for value in values):
        raise Http404


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose revert (a POST to a version's page) is a change like any other.

    simple_history lets anyone who may *view* a row POST any field values to a version's page and
    saves them. Here a revert needs what the change form needs: change permission on the row as
    it is now and on the version being restored (or add permission, for a deleted row), the same
    form (read-only fields left out) and the admin's own save_model, in one transaction.
    Also: ids that are not numbers are a 404, not a 500 from the lookup; and a version's form
    shows the many-to-many values (countries, topics) that version had, not today's.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        version = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        fields = [field for field in getattr(version, "_history_m2m_fields", ()) if field.name in form.base_fields]
        if not fields:
            return form
        # simple_history builds the form from the version's instance, whose relations read
        # the live rows: the version's own rows are given as the form's initial values.
        initial = {
            field.name: list(getattr(version, field.name).values_list(f"{get_m2m_reverse_field_name(field)}_id", flat=True))
            for field in fields
        }

        def __init__(self, *args, **kwargs):
            kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
            form.__init__(self, *args, **kwargs)

        return type(form.__name__, (form,), {"__init__": __init__})

    def history_view(self, request, object_id, extra_context=None):
        _require_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _require_ids(object_id, version_id)
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.may_revert(request, object_id, version_id):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def may_revert(self, request, object_id, version_id):
        if settings.SIMPLE_HISTORY_REVERT_DISABLED:
            return False
        version = get_history_manager_for_model(self.model).filter(**{self.opts.pk.attname: object_id, "history_id": version_id}).first()
        if version is None:
            raise Http404
        current = self.model._default_manager.filter(pk=object_id).first()
        if current is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, current) and self.has_change_permission(request, version.instance)
