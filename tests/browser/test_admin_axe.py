"""axe-core on the release add form, change form (with photos and documents) and change list: no critical or serious problem."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.test_admin_photos import signed_in_page
from tests.factories import OfficialFactory, ReleaseAttachmentFactory, ReleaseFactory, ReleaseImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parents[2] / "scripts" / "audit-tools" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page):
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: (cd scripts/audit-tools && npm ci)")
    # Evaluated, not added as a <script>: the admin's CSP forbids inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["impact"], v["id"], [(node["target"], node["failureSummary"], node["html"][:300]) for node in v["nodes"]][:5])
        for v in result["violations"] if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.parametrize("screen", ["add", "change", "changelist"])
def test_release_admin_has_no_critical_or_serious_axe_violation(new_page, live_server, screen):
    release = ReleaseFactory(draft=True)
    release.officials.add(OfficialFactory(), OfficialFactory())  # select2's chosen items too
    ReleaseImageFactory(release=release)
    ReleaseAttachmentFactory(release=release)
    page = signed_in_page(new_page, live_server, width=1366, height=900)
    args = [release.pk] if screen == "change" else []
    page.goto(live_server.url + reverse(f"admin:releases_release_{screen}", args=args))
    found = serious_violations(page)
    assert found == [], "\n".join(map(str, found))
