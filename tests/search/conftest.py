"""Fixtures for the search tests: the corpus, a small fishery of hits, and a lower candidate cap."""

import datetime

import pytest

from releases import search
from releases.search import limits
from tests.factories import OfficialFactory, ReleaseFactory

from .corpus import CORPUS, TODAY


@pytest.fixture
def corpus():
    official = OfficialFactory(
        honorific="นาย", name_th="ปรีชา สายสุวรรณ", name_en="Preecha Saisuwan", slug="preecha", aliases="นาย Preecha S."
    )
    releases = {}
    for key, (title, body, days, extra) in CORPUS.items():
        releases[key] = ReleaseFactory(title=title, body=body, release_date=TODAY - datetime.timedelta(days=days), **extra)
    # Linked to the official, whose name appears nowhere in its text.
    releases["linked"] = ReleaseFactory(
        title="การเยือนกัมพูชาอย่างเป็นทางการ", body="คณะผู้แทนเดินทางถึงกรุงพนมเปญ", release_date=TODAY - datetime.timedelta(days=33)
    )
    releases["linked"].officials.add(official)
    return releases


@pytest.fixture
def fishery():
    """An old title hit and three newer body hits of ประมง."""
    def make(title, days):
        body = "หารือเรื่อง ประมง และการค้า" if title is None else "รายละเอียดเพิ่มเติม"
        return ReleaseFactory(title=title or "ข่าวประจำวัน", body=body, release_date=TODAY - datetime.timedelta(days=days))

    return {
        "title_old": make("ความร่วมมือด้านประมง", 100),
        "body_10": make(None, 10),
        "body_20": make(None, 20),
        "body_30": make(None, 30),
    }


@pytest.fixture
def cap_candidates(monkeypatch):
    """Lower RANK_CANDIDATES: where the search reads it, and where the list view does."""

    def cap(n):
        monkeypatch.setattr(limits, "RANK_CANDIDATES", n)
        monkeypatch.setattr(search, "RANK_CANDIDATES", n)

    return cap
