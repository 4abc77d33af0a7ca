"""App configuration of the benchmark's reference views (installed only with NEWSROOM_BENCH_VIEWS=1)."""

from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    name = "bench.benchapp"
    label = "benchapp"
    verbose_name = "Benchmark reference views"
    default_auto_field = "django.db.models.BigAutoField"
