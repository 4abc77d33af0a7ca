"""Thai-aware search (releases/search.py): the query table, ranking, index upkeep, admin; both databases."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from releases import search
from releases.models import Release
from tests.factories import OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)

# Our own test texts. key -> (title, body, days before TODAY, extra factory arguments).
CORPUS = {
    "vaccine": ("ไทยรับมอบวัคซีนโควิด-๑๙ จากญี่ปุ่น ปี ๒๕๖๔", "รัฐบาลญี่ปุ่นส่งมอบวัคซีนเพิ่มเติมให้ประเทศไทยเป็นครั้งที่สาม", 30, {}),
    "pfizer": ("กระทรวงสาธารณสุขรับวัคซีนไฟเซอร์ (Pfizer) ล็อตแรก", "วัคซีนจำนวนหนึ่งล้านโดสเดินทางถึงท่าอากาศยานสุวรรณภูมิ", 29, {}),
    "ministry": ("แถลงการณ์กระทรวงการต่างประเทศเรื่องสถานการณ์ในภูมิภาค", "กระทรวงการต่างประเทศติดตามสถานการณ์อย่างใกล้ชิด", 20, {}),
    "abroad": ("คนไทยในต่างประเทศลงทะเบียนเลือกตั้งล่วงหน้า", "ผู้มีสิทธิเลือกตั้งสามารถลงทะเบียนได้ทางออนไลน์", 21, {}),
    "abroad_body": ("สถานเอกอัครราชทูตเปิดรับลงทะเบียน", "ผู้ที่พำนักในต่างประเทศโปรดติดต่อสถานทูต", 19, {}),
    "longtime": ("ความสัมพันธ์ไทย-ลาว", "ความร่วมมือที่ยาวนานระหว่างสองประเทศ และความพยายามร่วมกันของทั้งสองฝ่าย", 18, {}),
    "medicine": ("บริจาคยาและเวชภัณฑ์แก่เมียนมา", "สิ่งของบรรเทาทุกข์ออกเดินทางจากกรุงเทพมหานคร", 17, {}),
    "medicine_compound": ("ส่งมอบยารักษาโรคแก่ผู้ประสบภัย", "ความช่วยเหลือด้านมนุษยธรรม", 25, {}),
    "blinken": ("รัฐมนตรีหารือกับ Antony Blinken ทางโทรศัพท์", "ทั้งสองฝ่ายแลกเปลี่ยนความเห็นเรื่องความมั่นคงทางทะเล", 16, {}),
    "english": (
        "Thailand hands over medical supplies to Laos",
        "The Ministry of Foreign Affairs announced today that supplies left Bangkok.",
        15,
        {"language": "en"},
    ),
    "asean_title": ("การประชุมรัฐมนตรีอาเซียนครั้งที่ ๕๔", "ผู้แทนจากสิบประเทศเข้าร่วมการประชุม", 40, {}),
    "asean_body": ("ผลการเยือนกรุงจาการ์ตา", "รัฐมนตรีเดินทางไปร่วมหารือกับเลขาธิการอาเซียนเรื่องความร่วมมือ", 10, {}),
    "passport": ("ปรับค่าธรรมเนียมหนังสือเดินทาง", "อัตราใหม่มีผลตั้งแต่วันที่ 1 ตุลาคม 2564", 12, {}),
    "twin_old": ("โครงการทุนการศึกษาสำหรับนักศึกษาต่างชาติ", "รายละเอียดโครงการทุนการศึกษา", 50, {}),
    "twin_new": ("โครงการทุนการศึกษาสำหรับนักศึกษาต่างชาติ", "รายละเอียดโครงการทุนการศึกษา", 5, {}),
    "draft": ("ร่างข่าววัคซีนโควิด-19 ยังไม่เผยแพร่", "ร่างที่ยังไม่ได้ตรวจ Blinken", 1, {"draft": True}),
    "scheduled": ("ข่าววัคซีนที่ตั้งเวลาเผยแพร่ล่วงหน้า", "จะเผยแพร่พรุ่งนี้ Blinken", 0, {"scheduled": True}),
}
NEVER_PUBLIC = {"draft", "scheduled"}


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


def found(query, releases):
    """Keys of the public releases the query finds, in result order."""
    by_pk = {release.pk: key for key, release in releases.items()}
    return [by_pk[pk] for pk in search.search_releases(Release.objects.published(), query).values_list("pk", flat=True)]


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


def test_syllable_lexemes_hold_syllables_and_adjacent_pairs():
    assert search.syllable_lexemes(["ต่างประเทศ"]) == ["ต่าง", "ประ", "เทศ", "ต่างประ", "ประเทศ"]
    assert search.syllable_lexemes(["ต่างประเทศ"], document=False) == ["ต่างประ", "ประเทศ"]
    assert search.syllable_lexemes(["ยา"], document=False) == ["ยา"]
    assert search.parse_query("blinken")[0].syllables == ()


def test_word_hit_ranks_above_syllable_hit_for_ya(corpus):
    order = found("ยา", corpus)
    assert order.index("medicine") < order.index("medicine_compound")


# --- queries that are not really queries ----------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "!!!", "“ ”", "-- ??", None, "ฯ", "๏ ๚"])
def test_empty_or_punctuation_only_query_returns_queryset_unchanged(corpus, query):
    base = Release.objects.published().newest_first()
    assert list(search.search_releases(base, query)) == list(base)


def test_over_long_query_is_cut_not_failed(corpus):
    assert len(search.clean_query("ก" * 10_000)) == search.MAX_QUERY_LENGTH
    # Cut at a space: the half word at the limit is dropped, the rest still searched.
    assert search.clean_query("วัคซีน " + "ก" * 10_000) == "วัคซีน"
    assert "vaccine" in found("วัคซีน " + "ก" * 10_000, corpus)
    assert "vaccine" in found("วัคซีน " * 500, corpus)
    assert found("ญี่ปุ่น" * 2000, corpus) == []


def test_many_terms_are_capped(corpus):
    terms = search.parse_query(" ".join(f"คำ{n}" for n in range(50)))
    assert len(terms) == search.MAX_QUERY_TERMS


def test_search_narrows_the_given_queryset(corpus):
    """Other filters (here: language) stay applied; drafts are never returned from published()."""
    queryset = Release.objects.published().filter(language="th")
    assert search.search_releases(queryset, "ministry").count() == 0
    assert search.search_releases(Release.objects.all(), "ร่างข่าว").get() == corpus["draft"]


# --- normalisation and segmentation -----------------------------------------------------------


def test_normalize_folds_digits_case_and_keeps_sara_am():
    assert search.normalize("โควิด-๑๙ COVID") == "โควิด-19 covid"
    # NFKC would split ำ into ํ + า; NFC keeps it.
    assert search.normalize("น้ำ") == "น้ำ"
    assert search.normalize("เเปลก") == "แปลก"


def test_thai_cleanup_is_exactly_pythainlps_normalize():
    # The fast path must never change what pythainlp's normalize() gives: random strings made
    # of the characters its rules are about (marks, vowels, spaces, zero-width), and real text.
    import random

    from pythainlp.util import normalize as thai_normalize

    alphabet = "กขคนมยรลวสอหเแโใไะาำๅัิีึืุูํ็่้๊๋์ฺ๎ ฤฦ \n\t\u00a0\u200b\u200cab1"
    rng = random.Random(2564)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(30000)]
    texts += [body for _, body, _, _ in CORPUS.values()] + ["เเปลก", "นานาาา", "ก  ่", " ่ก", "ก่่่"]
    mismatches = [t for t in texts if search.thai_cleanup(t) != thai_normalize(t)]
    assert mismatches == []
    # and the fast path is taken for ordinary text
    assert not search._NEEDS_THAI_CLEANUP.search(CORPUS["ministry"][1])


def test_segment_uses_nlpo3_where_no_name_occurs_and_agrees_with_pythainlp(monkeypatch):
    from pythainlp.util import Trie

    base = frozenset(search.thai_words()) | search.DOMAIN_TERMS
    trie = search.NameTrie(base, frozenset({"สมปอง"}))
    calls = []
    real = search.nlpo3_segment
    monkeypatch.setattr(search, "nlpo3_segment", lambda text, **kw: calls.append(text) or real(text, **kw))
    texts = [text for title, body, _, _ in CORPUS.values() for text in (title, body)]
    python_only = Trie(base | {"สมปอง"})  # a plain Trie: pythainlp's Python newmm only
    for text in texts:
        assert search.tokenize(text, trie) == search.tokenize(text, python_only)
    assert len(calls) >= len(texts) - 2  # every Thai stretch (two texts are English)
    # A stretch holding an official's name is segmented by pythainlp with the name in the dictionary.
    calls.clear()
    assert search.segment("นายสมปองแถลงข่าว", trie) == ["นาย", "สมปอง", "แถลงข่าว"]
    assert calls == []


def test_segment_stays_in_python_when_nlpo3_cannot_load_its_dictionary(monkeypatch):
    import nlpo3

    monkeypatch.setattr(nlpo3, "load_dict", lambda path, name: ("disk full", False))
    trie = search.NameTrie(frozenset(search.thai_words()) | {"คำทดสอบพิเศษ"}, frozenset())
    assert trie.nlpo3_dictionary is None
    assert search.segment("คำทดสอบพิเศษกระทรวงการต่างประเทศ", trie) == ["คำทดสอบพิเศษ", "กระทรวงการต่างประเทศ"]


def test_any_of_finds_any_name_and_nothing_else():
    names = search._any_of({"สมปอง", "สมชาย", "สม", "ดอน", "ปรมัตถ์วินัย"})
    assert names.search("นายดอนปรมัตถ์วินัย") and names.search("ผสม")
    assert not names.search("กระทรวงการต่างประเทศ")
    assert not search._any_of(set()).search("อะไรก็ได้")


def test_tokenize_drops_punctuation_and_splits_hyphenated_words():
    assert search.tokenize("โควิด-๑๙ (Pfizer)!") == ["โควิด", "19", "pfizer"]


def test_officials_names_are_added_to_the_dictionary_not_replacing_it(db):
    assert search.tokenize("นายสมปองวิริยะกุลวงศ์") != ["นาย", "สมปองวิริยะกุลวงศ์"]
    OfficialFactory(name_th="สมปอง วิริยะกุลวงศ์", aliases="นายสมปอง วิริยะกุลวงศ์")
    assert search.tokenize("นายสมปอง วิริยะกุลวงศ์ แถลงข่าว", search.dictionary.trie(verify=True)) == [
        "นาย", "สมปอง", "วิริยะกุลวงศ์", "แถลงข่าว",
    ]


def test_domain_terms_stay_whole():
    assert "ซิโนแวค" in search.tokenize("วัคซีนซิโนแวค")


# --- keeping the index current ---------------------------------------------------------------------


def test_editing_a_release_updates_its_index(db):
    release = ReleaseFactory(title="ข่าวเดิม", body="เนื้อหาเดิม")
    release.title = "ข่าวใหม่เรื่องทุเรียน"
    release.save()
    assert list(search.search_releases(Release.objects.published(), "ทุเรียน")) == [release]
    assert not search.search_releases(Release.objects.published(), "เดิม").filter(search_tier=search.TIER_TITLE)


def test_save_with_update_fields_updates_its_index(db):
    release = ReleaseFactory(title="ข่าวเดิม", body="เนื้อหาเดิม")
    release.body = "เนื้อหาเรื่องมังคุด"
    release.save(update_fields=["body"])
    assert list(search.search_releases(Release.objects.published(), "มังคุด")) == [release]


def test_linking_and_unlinking_an_official_updates_the_index(db):
    release = ReleaseFactory()
    official = OfficialFactory(name_th="วิไลวรรณ ทองประเสริฐ", name_en="Wilaiwan Thongprasert")
    release.officials.add(official)
    assert list(search.search_releases(Release.objects.published(), "ทองประเสริฐ")) == [release]
    release.officials.remove(official)
    assert not search.search_releases(Release.objects.published(), "ทองประเสริฐ").exists()
    official.releases.add(release)
    assert list(search.search_releases(Release.objects.published(), "wilaiwan")) == [release]
    official.releases.clear()
    assert not search.search_releases(Release.objects.published(), "wilaiwan").exists()


def test_changing_an_officials_alias_updates_linked_releases(db):
    release = ReleaseFactory()
    official = OfficialFactory()
    release.officials.add(official)
    official.aliases = "ท่านทูตมานพ"
    official.save()
    assert list(search.search_releases(Release.objects.published(), "มานพ")) == [release]


def test_editing_an_officials_biography_does_not_reindex(db, monkeypatch):
    official = OfficialFactory()
    ReleaseFactory().officials.add(official)
    calls = []
    monkeypatch.setattr(search, "reindex", lambda *args, **kwargs: calls.append((args, kwargs)))
    official.bio = "ประวัติโดยย่อ"
    official.save()
    assert calls == []
    official.name_en = "Somchai Renamed"
    official.save()
    assert calls == [((), {"official": official})]


def test_deleting_an_official_removes_the_name_from_the_index(db):
    release = ReleaseFactory()
    official = OfficialFactory(name_en="Zanzibar Official")
    release.officials.add(official)
    official.delete()
    assert not search.search_releases(Release.objects.published(), "zanzibar").exists()


def test_deleted_release_leaves_the_index(db):
    release = ReleaseFactory(title="ข่าวมะม่วงส่งออก")
    release.delete()
    ReleaseFactory(title="อีกข่าวหนึ่ง")
    assert not search.search_releases(Release.objects.all(), "มะม่วง").exists()


def test_view_count_update_does_not_touch_the_index(db):
    release = ReleaseFactory(title="ข่าวลำไย")
    Release.objects.filter(pk=release.pk).update(view_count=5)
    assert list(search.search_releases(Release.objects.published(), "ลำไย")) == [release]


def test_rebuild_search_index_command(db):
    releases = [ReleaseFactory(title=f"ข่าวเงาะฉบับที่ {n}") for n in range(5)]
    Release.objects.update(search_title="", search_summary="", search_body="", search_syllables="")
    assert not search.search_releases(Release.objects.all(), "เงาะ").exists()
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", "--batch-size", "2", "--workers", "2", stdout=out, stderr=err)
    assert set(search.search_releases(Release.objects.all(), "เงาะ")) == set(releases)
    assert "rebuilt for 5 releases" in out.getvalue()
    assert err.getvalue().split() == ["2/5", "4/5", "5/5"]  # not a terminal: plain progress lines


@pytest.mark.django_db(transaction=True)
def test_rebuild_search_index_can_compact_the_table_after():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    releases = [ReleaseFactory(title=f"ข่าวทุเรียนฉบับที่ {n}") for n in range(3)]
    Release.objects.update(search_title="", search_summary="", search_body="", search_syllables="")

    def table_file():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT relfilenode FROM pg_class WHERE relname = 'releases_release'")
            return cursor.fetchone()[0]

    before = table_file()
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("rebuild_search_index", "--workers", "1", "--vacuum", stdout=out, stderr=io.StringIO())
    statements = [q["sql"] for q in queries if q["sql"].split()[0] in ("VACUUM", "ANALYZE")]
    if connection.vendor == "postgresql":
        assert statements == ["VACUUM FULL releases_release", "ANALYZE releases_release"]
        assert table_file() != before  # rewritten into a new, compact file
    else:
        assert statements == ["VACUUM"]
    assert "compacted" in out.getvalue()
    assert set(search.search_releases(Release.objects.all(), "ทุเรียน")) == set(releases)


def test_rebuild_in_one_process_gives_the_same_fields(db):
    release = ReleaseFactory(title="ข่าวกล้วยไม้ส่งออก", body="กระทรวงการต่างประเทศ ๒๕๖๔")
    before = Release.objects.values_list(*search.SEARCH_FIELDS).get(pk=release.pk)
    Release.objects.update(search_title="", search_summary="", search_body="", search_syllables="")
    call_command("rebuild_search_index", "--workers", "1", stdout=io.StringIO(), stderr=io.StringIO())
    assert Release.objects.values_list(*search.SEARCH_FIELDS).get(pk=release.pk) == before


def test_ensure_index_reinstalls_and_resyncs(db):
    """A later SQLite table rebuild drops triggers (on PostgreSQL: a lost column); the
    post_migrate check puts them back and resynchronises the index."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {search.FTS_TABLE}_ai")
        release = ReleaseFactory(title="ข่าวสับปะรด")
        assert not search.search_releases(Release.objects.all(), "สับปะรด").exists()
        search.ensure_index(connection)
    else:
        search.uninstall_index(connection)
        search.ensure_index(connection)
        release = ReleaseFactory(title="ข่าวสับปะรด")
    assert list(search.search_releases(Release.objects.all(), "สับปะรด")) == [release]


# --- highlighted snippets -----------------------------------------------------------------------


def test_highlight_marks_matched_words_in_the_original_text(db):
    release = ReleaseFactory(title="ข่าว", body="ไทยได้รับวัคซีนโควิด-๑๙ แล้ว <b>ทั้งหมด</b>")
    snippet = search.highlight(release, "โควิด-19")
    assert "<mark>โควิด</mark>-<mark>๑๙</mark>" in snippet
    assert "&lt;b&gt;" in snippet


def test_highlight_marks_a_word_found_inside_a_compound(db):
    release = ReleaseFactory(title="ข่าว", body="กระทรวงการต่างประเทศแถลง")
    assert "<mark>กระทรวงการต่างประเทศ</mark>" in search.highlight(release, "ต่างประเทศ")


def test_highlight_without_a_match_falls_back_to_the_summary(db):
    release = ReleaseFactory(title="ข่าว", body="ย่อหน้าแรก")
    assert search.highlight(release, "ทุเรียน") == "ย่อหน้าแรก"
    assert search.highlight(release, "") == "ย่อหน้าแรก"


def test_highlight_fallback_is_escaped_once(db):
    """Safe HTML either way, so the template does not escape it a second time."""
    from django.template import Context, Template

    release = ReleaseFactory(title="ข่าว", body="ราคา <5 บาท & ฟรี")
    rendered = Template("{{ snippet }}").render(Context({"snippet": search.highlight(release, "ทุเรียน")}))
    assert rendered == "ราคา &lt;5 บาท &amp; ฟรี"


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
    monkeypatch.setitem(search._lexeme_stats, "at", None)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": "ต่างประเทศ"})
    assert response.status_code == 200
    keys = {release.pk: key for key, release in corpus.items()}
    order = [keys[release.pk] for release in response.context["releases"]]
    assert order.index("abroad") < order.index("ministry")
    assert "draft" not in order
    assert "<mark>ต่างประเทศ</mark>" in response.content.decode()


def test_public_list_without_query_stays_by_date(client, corpus, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": " !! "})
    assert response.status_code == 200
    shown = list(response.context["releases"])
    assert shown == list(Release.objects.published().newest_first()[:20])


# --- bounded ranking and the capped count (RANK_CANDIDATES made small) ---------------------------


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


def test_bounded_search_ranks_the_newest_matches_and_keeps_old_title_hits(fishery, monkeypatch):
    # Candidates: the newest RANK_CANDIDATES + 1 matches and as many title hits.
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    assert found("ประมง", fishery) == ["title_old", "body_10", "body_20"]


def test_unbounded_search_returns_every_match(fishery, monkeypatch):
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    pks = search.search_releases(Release.objects.published(), "ประมง", bounded=False).values_list("pk", flat=True)
    by_pk = {release.pk: key for key, release in fishery.items()}
    assert [by_pk[pk] for pk in pks] == ["title_old", "body_10", "body_20", "body_30"]


def test_bounded_search_keeps_other_filters(fishery, monkeypatch):
    """Candidates are chosen within the given queryset: a filtered-out release takes no place."""
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    queryset = Release.objects.published().exclude(pk=fishery["body_10"].pk)
    assert found_in(queryset, "ประมง", fishery) == ["title_old", "body_20", "body_30"]


def found_in(queryset, query, releases):
    by_pk = {release.pk: key for key, release in releases.items()}
    return [by_pk[pk] for pk in search.search_releases(queryset, query).values_list("pk", flat=True)]


def test_public_list_says_more_than_the_cap(client, fishery, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(search, "RANK_CANDIDATES", 2)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": "ประมง"})
    assert response.status_code == 200
    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (2, True)
    assert [r.pk for r in response.context["releases"]] == [fishery["title_old"].pk, fishery["body_10"].pk]
    assert "มากกว่า 2 ข่าว" in response.content.decode()


def test_public_list_counts_exactly_under_the_cap(client, fishery, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(search, "RANK_CANDIDATES", 4)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("releases:list"), {"q": "ประมง"})
    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (4, False)
    assert "4 ข่าว" in response.content.decode() and "มากกว่า" not in response.content.decode()


def test_public_list_chooses_candidates_within_the_other_filters(client, fishery, monkeypatch):
    """The year filter is applied before the search: the old title hit is found among many newer hits."""
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    old = fishery["body_30"]
    old.release_date = datetime.date(2010, 5, 1)
    old.save()
    response = client.get(reverse("releases:list"), {"q": "ประมง", "year": "2010"})
    assert [r.pk for r in response.context["releases"]] == [old.pk]


def test_walk_and_bitmap_candidate_plans_find_the_same(fishery, monkeypatch):
    """PostgreSQL picks how to collect the newest matches from pg_stats; both ways agree."""
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    results = []
    for share in (0.0, 2.0):  # always walk the newest-first index; never
        monkeypatch.setattr(search, "WALK_SHARE", share)
        results.append(found("ประมง", fishery))
    assert results == [["title_old", "body_10", "body_20"]] * 2


def test_the_candidates_are_one_array_on_postgresql(fishery, monkeypatch):
    """`id = ANY(ARRAY(...))`: with `IN (...)` the planner guessed many candidates from the
    fallback branches and joined them to a scan of the whole table (43 ms at 100,000 releases)."""
    from django.db import connection

    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    queryset = search.search_releases(Release.objects.published(), "ประมง")
    sql = str(queryset.query)
    assert ("= ANY(ARRAY(" in sql) == (connection.vendor == "postgresql")
    assert found("ประมง", fishery) == ["title_old", "body_10", "body_20"]


def test_release_rows_are_narrow_on_postgresql_and_the_migration_is_harmless_elsewhere():
    from importlib import import_module

    from django.db import connection

    class Editor:  # what the migration would run here
        executed = []

        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            self.executed.append(sql)

    import_module("releases.migrations.0006_search_narrow_rows").narrow_rows(None, Editor())
    if connection.vendor == "postgresql":
        assert Editor.executed == search._PG_NARROW_ROWS
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'releases_release'")
            assert "toast_tuple_target=128" in cursor.fetchone()[0]
            cursor.execute(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'releases_release'::regclass AND attname = %s",
                [search.HEAD_VECTOR_COLUMN],
            )
            assert cursor.fetchone()[0] == "m"
    else:
        assert connection.vendor == "sqlite" and Editor.executed == []


def test_tiers_of_latin_words_and_of_thai_words_inside_compounds(corpus):
    def tiers(query):
        return {r.pk: r.search_tier for r in search.search_releases(Release.objects.published(), query, bounded=False)}

    # A Latin word found only in a body is a whole word (there is nothing to be inside of).
    body_only = ReleaseFactory(title="Trade talks", summary="Talks were held.", body="Talks were held in Vientiane.", language="en")
    assert tiers("vientiane") == {body_only.pk: search.TIER_WORDS}
    assert tiers("laos")[corpus["english"].pk] == search.TIER_TITLE
    # A Thai word only inside a compound ranks below whole-word hits.
    word = ReleaseFactory(title="ประกาศรับสมัคร", summary="รายละเอียด", body="ผู้ที่พำนักในต่างประเทศโปรดติดต่อสถานทูต")
    inside = ReleaseFactory(title="ประกาศรับสมัคร", summary="รายละเอียด", body="กระทรวงการต่างประเทศติดตามสถานการณ์")
    found = tiers("ต่างประเทศ")
    assert (found[word.pk], found[inside.pk]) == (search.TIER_WORDS, search.TIER_SYLLABLES)


def test_quoted_latin_phrases_match_as_phrases_through_word_pairs():
    exact = ReleaseFactory(title="Trade and investment talks", summary="Talks.", body="Officials met.", language="en")
    scattered = ReleaseFactory(title="Tourism", summary="Notes.", body="Trade and tourism and investment grew.", language="en")
    reversed_ = ReleaseFactory(title="Notes", summary="Notes.", body="Investment and trade grew.", language="en")
    assert f"trade{search.PAIR_JOINER}and" in exact.search_syllables.split()

    def hits(query, bounded=True):
        return set(search.search_releases(Release.objects.published(), query, bounded=bounded).values_list("pk", flat=True))

    for bounded in (True, False):
        assert hits('"trade and investment"', bounded) == {exact.pk}
        assert hits('"and investment"', bounded) == {exact.pk, scattered.pk}
        assert hits('"investment and trade"', bounded) == {reversed_.pk}


@pytest.mark.parametrize("rank_candidates", [1, 1000])
def test_recent_cutoff_only_speeds_up_candidates_and_tiers(fishery, monkeypatch, rank_candidates):
    """PostgreSQL first collects hits after a date from pg_stats, older ones only if too few;
    words found after it are tiered by one index lookup. Any cutoff gives the same page."""
    monkeypatch.setattr(search, "RANK_CANDIDATES", rank_candidates)
    fishery["inside"] = ReleaseFactory(title="ข่าวกรม", body="กรมประมงแถลงข่าว", release_date=TODAY - datetime.timedelta(days=12))

    def page():
        results = search.search_releases(Release.objects.published(), "ประมง")
        by_pk = {release.pk: key for key, release in fishery.items()}
        return [(by_pk[r.pk], r.search_tier, r.search_total) for r in results]

    monkeypatch.setattr(search, "_pg_recent_cutoff", lambda share: None)
    expected = page()
    assert {key for key, _, _ in expected} >= {"title_old", "body_10"}
    for days in (5, 11, 15, 25, 200):  # none, some or all of the hits after the cutoff
        monkeypatch.setattr(search, "_pg_recent_cutoff", lambda share, days=days: TODAY - datetime.timedelta(days=days))
        assert page() == expected


def test_long_values_are_stored_with_lz4_on_postgresql(db):
    from django.db import connection

    from django.db.migrations.recorder import MigrationRecorder

    release = ReleaseFactory(title="ข่าวการบีบอัด", body="กระทรวงการต่างประเทศแถลงข่าวความร่วมมือ " * 300)
    assert MigrationRecorder(connection).migration_qs.filter(app="releases", name="0007_lz4_compression").exists()
    if connection.vendor != "postgresql":
        return  # a no-op on SQLite, which stores text as it is
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_column_compression(body), pg_column_compression({search.VECTOR_COLUMN}), "
            f"pg_column_compression({search.SYLLABLE_VECTOR_COLUMN}) FROM releases_release WHERE id = %s",
            (release.pk,),
        )
        assert cursor.fetchone() == ("lz4", "lz4", "lz4")
        cursor.execute("SELECT pg_column_compression(body) FROM releases_historicalrelease WHERE id = %s", (release.pk,))
        assert cursor.fetchone() == ("lz4",)


class FakeCursor:
    def __init__(self, has_lz4):
        self.has_lz4, self.executed = has_lz4, []

    def execute(self, sql, params=None):
        self.executed.append(sql)

    def fetchone(self):
        return (self.has_lz4,)


def test_lz4_is_asked_for_only_where_the_server_has_it():
    without = FakeCursor(False)
    assert search.set_lz4_compression(without) is False and len(without.executed) == 1
    with_lz4 = FakeCursor(True)
    assert search.set_lz4_compression(with_lz4) is True
    altered = with_lz4.executed[1:]
    assert [sql.split()[2] for sql in altered] == ["releases_release", "releases_historicalrelease"]
    for column in ("body", "search_body", search.HEAD_VECTOR_COLUMN, search.SYLLABLE_VECTOR_COLUMN):
        assert f"ALTER COLUMN {column} SET COMPRESSION lz4" in altered[0]
