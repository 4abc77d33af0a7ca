"""The orphan scan and manage.py cleanup_media: releases/images/orphans.py."""

import datetime
import io
import os

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from releases import images
from releases.images import attach_image
from tests.factories import OfficialFactory, ReleaseFactory
from tests.images.photos import encode, noise, upright_photo

pytestmark = pytest.mark.django_db


class TestCleanupMedia:
    def _orphan(self, name, age_hours=2):
        saved = default_storage.save(name, io.BytesIO(b"orphan"))
        old = (datetime.datetime.now() - datetime.timedelta(hours=age_hours)).timestamp()
        os.utime(default_storage.path(saved), (old, old))
        return saved

    def test_dry_run_lists_and_keeps_then_run_deletes_only_orphans(self):
        """Old unreferenced files go; files rows use, young files and other folders stay."""
        row = attach_image(ReleaseFactory(), encode(noise(100, 80), "JPEG"), "x.jpg")
        orphan = self._orphan("releases/2020/01/abandoned.jpg")
        young = self._orphan("releases/2020/01/in-flight.jpg", age_hours=0)
        elsewhere = self._orphan("exports/report.csv")
        out = io.StringIO()
        call_command("cleanup_media", "--dry-run", stdout=out, stderr=io.StringIO())
        assert "would delete: releases/2020/01/abandoned.jpg" in out.getvalue()
        assert "in-flight" not in out.getvalue() and default_storage.exists(orphan)
        call_command("cleanup_media", stdout=io.StringIO(), stderr=io.StringIO())
        assert not default_storage.exists(orphan)
        assert default_storage.exists(young) and default_storage.exists(elsewhere)
        assert all(default_storage.exists(name) for name in images.stored_names(row))

    def test_reports_rows_pointing_at_missing_files(self):
        """A row whose file vanished is reported, not silently ignored."""
        row = attach_image(ReleaseFactory(), encode(noise(100, 80), "JPEG"), "x.jpg")
        default_storage.delete(row.image.name)
        err = io.StringIO()
        call_command("cleanup_media", "--dry-run", stdout=io.StringIO(), stderr=err)
        assert f"missing: {row.image.name}" in err.getvalue()

    def test_official_portraits_are_referenced(self):
        """A portrait in use is not an orphan."""
        from django.core.files.base import ContentFile


        official = OfficialFactory(portrait=ContentFile(encode(upright_photo(), "JPEG").getvalue(), name="p.jpg"))
        os.utime(default_storage.path(official.portrait.name), (0, 0))
        call_command("cleanup_media", stdout=io.StringIO(), stderr=io.StringIO())
        assert default_storage.exists(official.portrait.name)
