"""Ranking: what a query finds and in which order, bounded candidates, the admin and the public list."""

import re
import datetime

import pytest
from django.urls import reverse

from releases import search
from releases.models import Release
from releases.search import ranking
from releases.search.backends import postgresql
from tests.factories import ReleaseFactory, committed

from .corpus import CORPUS, NEVER_PUBLIC, TODAY, found, found_in

pytestmark = pytest.mark.django_db


# (query, must find, must not find)
QUERY_TABLE = [
    ("วัคซีน", {"vaccine", "pfizer"}, {"draft", "scheduled", "ministry", "medicine"}),
    ("โควิด-19", {"vaccine"}, {"draft", "pfizer"}),
    ("โควิด-๑๙", {"vaccine"}, {"draft"}),
    ("โควิด 19", {"vaccine"}, {"pfizer"}),
    ("2564", {"vaccine", "passport"}, {"pfizer"}),
    ("๒๕๖๔", {"vaccine", "passport"}, {"pfizer"}),
    ("ยา", {"medicine", "medicine_compound"}, {"longtime", "abroad"}),
    ("ยาวนาน", {"longtime"}, {"medicine"}),
    ("พยายาม", {"longtime"}, {"medicine"}),
    ("blinken", {"blinken"}, {"draft", "scheduled"}),
    ("BLINKEN", {"blinken"}, {"english"}),
    ("Antony Blinken", {"blinken"}, {"english"}),
    ("ministry", {"english"}, {"ministry"}),
    ("Ministry Affairs", {"english"}, set()),
    ('"foreign affairs"', {"english"}, set()),
    ('"affairs foreign"', set(), {"english"}),
    ("วัคซีน ญี่ปุ่น", {"vaccine"}, {"pfizer"}),
    ("วัคซีน Pfizer", {"pfizer"}, {"vaccine"}),
    ("ไฟเซอร์", {"pfizer"}, {"vaccine"}),
    ("วัคซีนไฟเซอร์", {"pfizer"}, {"vaccine"}),
    ("วัคซีน ไม่มีคำนี้", set(), {"vaccine", "pfizer"}),
    ('"ส่งมอบวัคซีน"', {"vaccine"}, {"pfizer"}),
    ('"วัคซีนส่งมอบ"', set(), {"vaccine", "pfizer"}),
    ("ต่างประเทศ", {"abroad", "abroad_body", "ministry"}, {"longtime"}),
    ("กระทรวงการต่างประเทศ", {"ministry"}, {"abroad", "abroad_body"}),
    ("อาเซียน", {"asean_title", "asean_body"}, {"vaccine"}),
    ("หนังสือเดินทาง", {"passport"}, {"vaccine"}),
    ("เดินทาง", {"passport", "pfizer", "medicine", "linked"}, {"vaccine"}),
    ("สายสุวรรณ", {"linked"}, {"vaccine"}),
    ("ปรีชา สายสุวรรณ", {"linked"}, set()),
    ("saisuwan", {"linked"}, set()),
    ("Preecha", {"linked"}, set()),
    ("พนมเปญ", {"linked"}, set()),
    ("Laos", {"english"}, {"longtime"}),
    ("ลาว", {"longtime"}, {"english"}),
    ("ทุนการศึกษา", {"twin_old", "twin_new"}, set()),
    ("ร่างข่าว", set(), {"draft"}),
    ("สหรัฐฯ", set(), set(CORPUS)),
]


@pytest.mark.parametrize("query, hits, misses", QUERY_TABLE, ids=[row[0] for row in QUERY_TABLE])
def test_query_table(corpus, query, hits, misses):
    """Each query finds what a reader expects and nothing it should not, on either database."""
    result = set(found(query, corpus))
    assert hits <= result, f"{query!r} missed {hits - result}"
    assert not (result & misses), f"{query!r} wrongly found {result & misses}"
    assert not (result & NEVER_PUBLIC)


def test_query_table_is_large_enough():
    assert len(QUERY_TABLE) >= 30


# --- ordering -------------------------------------------------------------------------------


def test_whole_word_hits_rank_above_compound_hits(corpus):
    """ต่างประเทศ as a word beats ต่างประเทศ found only inside กระทรวงการต่างประเทศ."""
    order = found("ต่างประเทศ", corpus)
    assert order.index("abroad") < order.index("ministry")
    assert order.index("abroad_body") < order.index("ministry")


def test_title_hit_ranks_above_body_hit_even_when_older(corpus):
    order = found("อาเซียน", corpus)
    assert order.index("asean_title") < order.index("asean_body")
    assert corpus["asean_title"].release_date < corpus["asean_body"].release_date


def test_title_hit_ranks_above_body_hit_within_words(corpus):
    order = found("ต่างประเทศ", corpus)
    assert order.index("abroad") < order.index("abroad_body")


def test_newest_first_among_equals(corpus):
    assert found("ทุนการศึกษา", corpus)[:2] == ["twin_new", "twin_old"]


def test_officials_names_rank_between_title_and_body(corpus):
    """Summary and officials' names (weight B) sit between title (A) and body (C) hits."""
    in_title = ReleaseFactory(title="สายสุวรรณแถลงข่าว", body="ไม่มี", release_date=TODAY - datetime.timedelta(days=90))
    in_body = ReleaseFactory(title="ข่าวอื่น", body="ย่อหน้าแรก\n\nผู้แทนกล่าวถึงสายสุวรรณ", release_date=TODAY)
    corpus.update(in_title=in_title, in_body=in_body)
    assert found("สายสุวรรณ", corpus) == ["in_title", "linked", "in_body"]


def test_word_hit_ranks_above_syllable_hit_for_ya(corpus):
    order = found("ยา", corpus)
    assert order.index("medicine") < order.index("medicine_compound")


# --- the admin ---------------------------------------------------------------------------------


def test_admin_search_finds_drafts_by_thai_word(publisher_client, corpus):
    response = publisher_client.get(reverse("admin:releases_release_changelist"), {"q": "วัคซีน"})
    assert response.status_code == 200
    shown = {release.pk for release in response.context["cl"].result_list}
    assert corpus["draft"].pk in shown and corpus["vaccine"].pk in shown
    assert corpus["medicine"].pk not in shown


def test_admin_search_with_punctuation_only_lists_everything(publisher_client, corpus):
    response = publisher_client.get(reverse("admin:releases_release_changelist"), {"q": "!!"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == Release.objects.count()


# --- the public list ------------------------------------------------------------------------------


def test_public_list_search_ranks_highlights_and_keeps_query_count(client, corpus, django_assert_max_num_queries, monkeypatch):
    search.dictionary.trie()  # built once per process, not per request
    # The first search of the hour also reads pg_stats (PostgreSQL): still within the budget.
    monkeypatch.setitem(postgresql._lexeme_stats, "at", None)
    committed()  # the generation's state ready, as after any edit: the filter panel is a fragment of it
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": "ต่างประเทศ"})
    assert response.status_code == 200
    keys = {release.pk: key for key, release in corpus.items()}
    order = [keys[release.pk] for release in response.context["releases"]]
    assert order.index("abroad") < order.index("ministry")
    assert "draft" not in order
    assert "<mark>ต่างประเทศ</mark>" in re.sub(r'<wbr>|<span class="thw">(.*?)</span>', r"\1", response.content.decode())


def test_public_list_without_query_stays_by_date(client, corpus, django_assert_max_num_queries):
    committed()  # the generation's state ready, as after any edit: the filter panel is a fragment of it
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": " !! "})
    assert response.status_code == 200
    shown = list(response.context["releases"])
    assert shown == list(Release.objects.published().newest_first()[:20])


# --- bounded ranking and the capped count (RANK_CANDIDATES made small) ---------------------------


def test_bounded_search_ranks_the_newest_matches_and_keeps_old_title_hits(fishery, cap_candidates):
    # Candidates: the newest RANK_CANDIDATES + 1 matches and as many title hits.
    cap_candidates(1)
    assert found("ประมง", fishery) == ["title_old", "body_10", "body_20"]


def test_unbounded_search_returns_every_match(fishery, cap_candidates):
    cap_candidates(1)
    pks = search.search_releases(Release.objects.published(), "ประมง", bounded=False).values_list("pk", flat=True)
    by_pk = {release.pk: key for key, release in fishery.items()}
    assert [by_pk[pk] for pk in pks] == ["title_old", "body_10", "body_20", "body_30"]


def test_bounded_search_keeps_other_filters(fishery, cap_candidates):
    """Candidates are chosen within the given queryset: a filtered-out release takes no place."""
    cap_candidates(1)
    queryset = Release.objects.published().exclude(pk=fishery["body_10"].pk)
    assert found_in(queryset, "ประมง", fishery) == ["title_old", "body_20", "body_30"]


def test_public_list_says_more_than_the_cap(client, fishery, cap_candidates, django_assert_max_num_queries):
    cap_candidates(2)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": "ประมง"})
    assert response.status_code == 200
    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (2, True)
    assert [r.pk for r in response.context["releases"]] == [fishery["title_old"].pk, fishery["body_10"].pk]
    assert "มากกว่า 2 ข่าว" in response.content.decode()


def test_public_list_counts_exactly_under_the_cap(client, fishery, cap_candidates, django_assert_max_num_queries):
    cap_candidates(4)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": "ประมง"})
    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (4, False)
    assert "4 ข่าว" in response.content.decode() and "มากกว่า" not in response.content.decode()


def test_public_list_chooses_candidates_within_the_other_filters(client, fishery, cap_candidates):
    """The year filter is applied before the search: the old title hit is found among many newer hits."""
    cap_candidates(1)
    old = fishery["body_30"]
    old.release_date = datetime.date(2010, 5, 1)
    old.save()
    response = client.get(reverse("releases:list"), {"q": "ประมง", "year": "2010"})
    assert [r.pk for r in response.context["releases"]] == [old.pk]


def test_tiers_of_latin_words_and_of_thai_words_inside_compounds(corpus):
    def tiers(query):
        return {r.pk: r.search_tier for r in search.search_releases(Release.objects.published(), query, bounded=False)}

    # A Latin word found only in a body is a whole word (there is nothing to be inside of).
    body_only = ReleaseFactory(title="Trade talks", summary="Talks were held.", body="Talks were held in Vientiane.", language="en")
    assert tiers("vientiane") == {body_only.pk: ranking.TIER_WORDS}
    assert tiers("laos")[corpus["english"].pk] == ranking.TIER_TITLE
    # A Thai word only inside a compound ranks below whole-word hits.
    word = ReleaseFactory(title="ประกาศรับสมัคร", summary="รายละเอียด", body="ผู้ที่พำนักในต่างประเทศโปรดติดต่อสถานทูต")
    inside = ReleaseFactory(title="ประกาศรับสมัคร", summary="รายละเอียด", body="กระทรวงการต่างประเทศติดตามสถานการณ์")
    found = tiers("ต่างประเทศ")
    assert (found[word.pk], found[inside.pk]) == (ranking.TIER_WORDS, ranking.TIER_SYLLABLES)
