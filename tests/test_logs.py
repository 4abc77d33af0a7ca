"""Logging filters: refusals logged in one line, errors with their traceback."""

import logging
import sys

import pytest
from django.urls import reverse

from releases.logs import ExpectedResponses

pytestmark = pytest.mark.django_db


def test_a_refused_admin_request_logs_one_line_without_a_traceback(editor_client, caplog):
    response = editor_client.get(reverse("admin:releases_category_add"))
    assert response.status_code == 403
    refused = [record for record in caplog.records if getattr(record, "status_code", None) == 403]
    assert len(refused) == 1
    assert refused[0].exc_info is None and "Traceback" not in caplog.text


def test_an_error_keeps_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info())
    record.status_code = 500
    assert ExpectedResponses().filter(record) and record.exc_info is not None
