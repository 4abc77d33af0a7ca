"""The OpenAPI schema and the documentation page: our own static files, the site's strict CSP, no inline code."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_the_endpoints(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/releases/", "/api/v1/releases/{id}/", "/api/v1/officials/", "/api/v1/officials/{slug}/",
            "/api/v1/categories/", "/api/v1/categories/{slug}/"} <= set(schema["paths"])
    names = {p["name"] for p in schema["paths"]["/api/v1/releases/"]["get"]["parameters"]}
    assert names >= {"q", "category", "official", "language", "year", "month", "date_from", "date_to", "cursor"}


def test_docs_page_uses_only_our_files_under_the_site_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in src for src in sources)
    # No inline code: every <script> has a src, and there is no <style> element.
    assert re.findall(r"<script>", html) == [] and "<style" not in html


def test_docs_start_up_script_is_a_file_of_its_own(client):
    response = client.get("/api/v1/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in response.content.decode()
