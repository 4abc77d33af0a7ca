"""The API fuzzed against its own OpenAPI schema (Schemathesis, in process): no 500s, every response as documented."""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import PositionFactory, ReleaseFactory, ReleaseImageFactory

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Bounded: a few examples per run keep the whole fuzz well under a minute on a shared CI machine.
MAX_EXAMPLES = 60
TIME_LIMIT_SECONDS = 60


@pytest.fixture
def api_data(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.NEWSROOM_API_RATE = "100000/minute"
    english = ReleaseFactory(language="en", title="Joint press statement")
    release = ReleaseFactory(translation=english, body="ย่อหน้าแรก https://www.mfa.go.th\n\nย่อหน้าสอง")
    release.officials.add(PositionFactory().official)
    ReleaseImageFactory(release=release)
    ReleaseFactory(draft=True)
    ReleaseFactory(scheduled=True)


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: the app must not close the connection holding the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_as_its_schema_says(api_data, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/releases/", "/api/v1/releases/{id}/", "/api/v1/officials/"}
    started = time.monotonic()

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE)))
    def fuzz(case):
        # The in-process client does not undo gzip (public responses are compressed for clients
        # that accept it; tests/test_compression.py covers that): ask for plain bodies.
        case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

    fuzz()
    assert time.monotonic() - started < TIME_LIMIT_SECONDS
