"""Reference views for bench/run, routed only when NEWSROOM_BENCH_VIEWS is on: the framework's ceiling and the cost floor of counting.

They go through the same middleware as every page, so a page's requests/s divided by theirs
says how much the page itself costs.
"""

from django.db.models import F
from django.http import HttpResponse
from django.template import engines

from .models import Counter

CONSTANT_BODY = (b"<!doctype html><title>constant</title><p>" + b"x" * 2048)[:2048]
_COUNTER_TEMPLATE = engines["django"].from_string("<!doctype html><title>counter</title><p>{{ views }} views</p>\n")
_counter_pk = None


def constant(request):
    """A constant 2 KB response: what the server and middleware cost with no work at all."""
    return HttpResponse(CONSTANT_BODY, content_type="text/html; charset=utf-8")


def counter_pk():
    """The benchmark's own counter row (made on first use); no table of the site is written."""
    global _counter_pk
    if _counter_pk is None:
        _counter_pk = (Counter.objects.order_by("pk").first() or Counter.objects.create()).pk
    return _counter_pk


def counter(request):
    """One UPDATE by primary key, one SELECT, a tiny template: the floor of counting synchronously."""
    pk = counter_pk()
    Counter.objects.filter(pk=pk).update(view_count=F("view_count") + 1)
    views = Counter.objects.filter(pk=pk).values_list("view_count", flat=True).get()
    return HttpResponse(_COUNTER_TEMPLATE.render({"views": views}, request))
