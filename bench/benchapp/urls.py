"""URLs of the reference views, under /bench/ (config/urls.py includes them only with NEWSROOM_BENCH_VIEWS=1)."""

from django.urls import path

from .views import constant, counter

app_name = "bench"
urlpatterns = [
    path("constant/", constant, name="constant"),
    path("counter/", counter, name="counter"),
]
