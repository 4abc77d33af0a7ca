"""ORM queries compiled once per process and run again with new values, for the uncached pages' hot path.

Compiling a query with correlated subqueries costs Django ten times what the database then spends
running it (the detail page's neighbours: ~2.2 ms to compile, ~0.2 ms to run on SQLite with 10,000
releases; docs/performance.md). The query is still written with the ORM, on the querysets that
hold the rules (what is public lives in `Release.objects.published()`): it is built once with
placeholder values, its SQL kept, and each call swaps the placeholders for the real values and
lets the same compiler convert the rows (dates, JSON) as Django would.
"""

import datetime
import threading

from django.db import connections
from django.db.models.query import get_related_populators
from django.utils import timezone

# Placeholders no real value equals: ids below zero, days and moments in the first century.
_FIRST_MARKER = -7_300_001
_MARKER_MOMENT = datetime.datetime(1, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc)
_MARKER_DAY = datetime.date(1, 3, 1)


class Marker:
    """A named placeholder of a kind: "int" (an id), "moment" (an aware datetime), "day" (a date) or "text"."""

    def __init__(self, name, index, kind="int"):
        self.name, self.kind = name, kind
        self.value = {
            "int": lambda: _FIRST_MARKER - index,
            "moment": lambda: _MARKER_MOMENT + datetime.timedelta(days=index),
            "day": lambda: _MARKER_DAY + datetime.timedelta(days=index),
            "text": lambda: f"\x1fprepared-marker-{index}\x1f",
        }[kind]()


class PreparedValues:
    """`build(**markers)` returns a values_list() queryset; `run(**values)` its rows as tuples.

    build must use each marker only where a value goes (a filter's right-hand side); a marker the
    compiled parameters do not hold (the ORM folded it into the SQL) makes every call fall back to
    compiling normally, so a surprise costs speed, never a wrong answer.
    """

    def __init__(self, build, ints=(), moments=(), days=(), texts=()):
        self.build = build
        self.markers = [Marker(name, i) for i, name in enumerate(ints)]
        self.markers += [Marker(name, i, "moment") for i, name in enumerate(moments)]
        self.markers += [Marker(name, i, "day") for i, name in enumerate(days)]
        self.markers += [Marker(name, i, "text") for i, name in enumerate(texts)]
        self._compiled = threading.local()  # per thread, as database connections are

    def _compile(self, using):
        queryset = self.build(**{marker.name: marker.value for marker in self.markers}).using(using)
        connection = connections[using]
        compiler = queryset.query.get_compiler(using=using, connection=connection)
        sql, params = compiler.as_sql()
        positions = {}
        for marker in self.markers:
            found = [i for i, param in enumerate(params) if _same(param, marker, connection)]
            if not found:
                return None
            positions[marker.name] = found
        return compiler, sql, list(params), positions

    def run(self, using="default", **values):
        """The rows (as values_list() would give them) for these values of the markers."""
        compiled = self._compiled_for(using) if self._fits(values) else None
        if compiled is None:
            return [tuple(row) for row in self.build(**values).using(using)]
        return [tuple(row) for row in self._converted(compiled, using, values)]

    def _fits(self, values):
        """Whether every id fits a 64-bit column; one that does not is the ORM's to answer (no row)."""
        return all(-(2**63) <= values[marker.name] < 2**63 for marker in self.markers if marker.kind == "int")

    def _compiled_for(self, using):
        compiled = getattr(self._compiled, using, False)
        if compiled is False:
            compiled = self._compile(using)
            setattr(self._compiled, using, compiled)
        return compiled

    def _converted(self, compiled, using, values):
        compiler, sql, params, positions = compiled
        connection = connections[using]
        params = list(params)
        for marker in self.markers:
            for position in positions[marker.name]:
                params[position] = _adapted(values[marker.name], marker, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # The compiler kept what as_sql() set up (the selected columns and their converters).
        return compiler.results_iter(results=[rows])


class PreparedModels(PreparedValues):
    """As PreparedValues, for a queryset of model instances (select_related and annotations
    included), built from the rows as Django's ModelIterable builds them."""

    def run(self, using="default", **values):
        compiled = self._compiled_for(using) if self._fits(values) else None
        if compiled is None:
            return list(self.build(**values).using(using))
        compiler = compiled[0]
        klass_info = compiler.klass_info
        columns = klass_info["select_fields"]
        names = [compiler.select[i][0].target.attname for i in columns]
        start, end = columns[0], columns[-1] + 1
        populators = get_related_populators(klass_info, compiler.select, using)
        found = []
        for row in self._converted(compiled, using, values):
            obj = klass_info["model"].from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in compiler.annotation_col_map.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def attach(instance, name, objects, back=None):
    """Give `instance` `objects` as its prefetched `name` relation, as prefetch_related() would:
    `instance.<name>.all()` then answers without a query. `back`: the objects' foreign key to
    `instance`, filled in too (a photo's release)."""
    queryset = getattr(instance, name).all()
    queryset._result_cache, queryset._prefetch_done = list(objects), True
    if back is not None:
        field = queryset.model._meta.get_field(back)
        for obj in queryset._result_cache:
            field.set_cached_value(obj, instance)
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: queryset}


def _same(param, marker, connection):
    wanted = _adapted(marker.value, marker, connection)
    return type(param) is type(wanted) and param == wanted


def _adapted(value, marker, connection):
    """The value as the ORM would hand it to the database driver."""
    if marker.kind == "moment":
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return connection.ops.adapt_datetimefield_value(value)
    if marker.kind == "day":
        return connection.ops.adapt_datefield_value(value)
    if marker.kind == "text":
        return str(value)
    return int(value)
