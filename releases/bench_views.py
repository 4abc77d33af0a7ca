"""Reference views for bench/run, routed only when NEWSROOM_BENCH_VIEWS is on: the framework's ceiling and the cost floor of counting.

They go through the same middleware as every page, so a page's requests/s divided by theirs
says how much the page itself costs.
"""

from django.db.models import F
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.utils import timezone

from .models import Category, Release

CONSTANT_BODY = (b"<!doctype html><title>constant</title><p>" + b"x" * 2048)[:2048]
COUNTER_KEY = "bench:counter"
_COUNTER_TEMPLATE = engines["django"].from_string("<!doctype html><title>counter</title><p>{{ views }} views</p>\n")
_counter_pk = None


def constant(request):
    """A constant 2 KB response: what the server and middleware cost with no work at all."""
    return HttpResponse(CONSTANT_BODY, content_type="text/html; charset=utf-8")


def counter_release_pk():
    """The reserved draft release whose view_count the counter view increments (made on first use)."""
    global _counter_pk
    if _counter_pk is None:
        category = Category.objects.order_by("pk").first() or Category.objects.create(slug="bench", name_th="bench")
        release, _ = Release.objects.get_or_create(
            source_key=COUNTER_KEY,
            defaults={"title": "bench counter", "body": "bench", "category": category,
                      "release_date": timezone.localdate(), "status": Release.Status.DRAFT},
        )
        _counter_pk = release.pk
    return _counter_pk


def counter(request):
    """One UPDATE by primary key, one SELECT, a tiny template: the floor of counting synchronously."""
    pk = counter_release_pk()
    Release.objects.filter(pk=pk).update(view_count=F("view_count") + 1)
    views = Release.objects.filter(pk=pk).values_list("view_count", flat=True).get()
    return HttpResponse(_COUNTER_TEMPLATE.render({"views": views}, request))


app_name = "bench"
urlpatterns = [
    path("constant/", constant, name="constant"),
    path("counter/", counter, name="counter"),
]
