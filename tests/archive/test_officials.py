"""Recognising officials in release text: candidates after honorifics, known officials linked, created."""

import re

import pytest

from releases.archive import Candidate, find_candidates
from releases.models import Official, Release
from tests.archive.pages import THAI_PAGE, ENGLISH_PAGE, page, write, run
from tests.factories import CategoryFactory, OfficialFactory


# --- officials ----------------------------------------------------------------------------


@pytest.mark.django_db  # segmentation uses the search dictionary, which holds officials' names
def test_candidates_are_honorific_names_not_titles():
    text = (
        "นายกรัฐมนตรีและรองนายกรัฐมนตรีพบกับนายวีรพล ศักดิ์สิทธิ์ และนางสาวพิมพ์ชนก แสงทอง "
        "ร่วมกับ Mr. Tomas Berg, Deputy Minister และ ดร.อรุณ ฟ้าใส นายอำเภอเมืองก็มาด้วย"
    )
    assert find_candidates(text) == [
        Candidate("นาย", "วีรพล ศักดิ์สิทธิ์"),
        Candidate("นางสาว", "พิมพ์ชนก แสงทอง"),
        Candidate("Mr.", "Tomas Berg"),
        Candidate("ดร.", "อรุณ ฟ้าใส"),
    ]
    assert str(Candidate("นาย", "วีรพล ศักดิ์สิทธิ์")) == "นายวีรพล ศักดิ์สิทธิ์"
    assert str(Candidate("นาย", "Anders Holm")) == "นาย Anders Holm"


@pytest.mark.django_db  # segmentation uses the search dictionary, which holds officials' names
@pytest.mark.parametrize(
    "text, expected",
    [
        ("H.E. Mr. Tomas Berg, Ambassador of Sweden", Candidate("H.E. Mr.", "Tomas Berg")),
        ("met Dr. Ahmad bin Hassan yesterday", Candidate("Dr.", "Ahmad bin Hassan")),
        ("โดยพล.อ.สมศักดิ์ กล้าหาญ เป็นประธาน", Candidate("พล.อ.", "สมศักดิ์ กล้าหาญ")),
    ],
)
def test_more_honorifics(text, expected):
    assert find_candidates(text) == [expected]


@pytest.mark.django_db  # segmentation uses the search dictionary, which holds officials' names
@pytest.mark.parametrize(
    "text", ["นายวีรพลกล่าวว่า ทั้งสองฝ่ายเห็นพ้อง", "นายวีรพลได้เดินทาง ไปยัง", "นายวีรพล รัฐมนตรีว่าการ", "พ.ศ. ๒๕๖๖ ศ. ทดสอบ"]
)
def test_a_sentence_or_title_after_an_honorific_is_not_a_name(text):
    assert find_candidates(text) == []


@pytest.mark.django_db
def test_known_officials_are_linked_by_alias_and_others_listed(tmp_path):
    CategoryFactory()
    known = OfficialFactory(honorific="นาย", name_th="สุรเชษฐ์ ทองประเสริฐ", name_en="Surachet Thongprasert", aliases="อธิบดีสุรเชษฐ์")
    english = OfficialFactory(name_th="อาทิตย์ บุญมี", name_en="Arthit Boonmee")
    OfficialFactory(name_th="ไม่เกี่ยวข้อง", name_en="Don")  # "Don" is not in "Donald"
    write(tmp_path, "th.txt", THAI_PAGE)
    write(tmp_path, "en.txt", ENGLISH_PAGE.replace("The new hours", "Donald Smith said the new hours"))
    out, _ = run(tmp_path, verbosity=2)
    assert list(Release.objects.get(source_key="th").officials.all()) == [known]
    assert list(Release.objects.get(source_key="en").officials.all()) == [english]
    assert "unmatched names: นาง Maria Lindqvist" in out
    assert "นายกรัฐมนตรี" not in out.split("Unmatched names")[1]


@pytest.mark.django_db
def test_create_officials(tmp_path):
    CategoryFactory()
    OfficialFactory(slug="surachet-thongprasoet")
    write(tmp_path, "a.txt", THAI_PAGE)
    write(tmp_path, "b.txt", page(title="อีกข่าว", paragraphs=["นายสุรเชษฐ์ ทองประเสริฐ เดินทางไปเชียงใหม่"]))
    run(tmp_path, create_officials=True)
    created = Official.objects.get(name_th="สุรเชษฐ์ ทองประเสริฐ")
    assert created.honorific == "นาย" and re.fullmatch(r"[a-z0-9-]+", created.slug)
    assert created.slug != "surachet-thongprasoet"
    latin = Official.objects.get(name_th="Maria Lindqvist")
    assert latin.name_en == "Maria Lindqvist" and latin.slug == "maria-lindqvist"
    # Linked to both releases, created once.
    assert set(created.releases.values_list("source_key", flat=True)) == {"a", "b"}
    assert Official.objects.filter(name_th="สุรเชษฐ์ ทองประเสริฐ").count() == 1


@pytest.mark.django_db
def test_officials_changed_by_an_editor_are_kept(tmp_path):
    CategoryFactory()
    known = OfficialFactory(name_th="สุรเชษฐ์ ทองประเสริฐ")
    other = OfficialFactory()
    write(tmp_path, "a.txt", THAI_PAGE)
    run(tmp_path)
    release = Release.objects.get()
    release.officials.set([other])
    write(tmp_path, "a.txt", THAI_PAGE.replace("71 view", "72 views"))
    out, _ = run(tmp_path)
    assert list(release.officials.all()) == [other] and "kept the editor's officials" in out
    assert known not in release.officials.all()


@pytest.mark.django_db
def test_search_index_of_a_created_release_names_its_officials(tmp_path):
    """Linked without a second segmentation, yet indexed exactly as a full reindex would."""
    from releases import search

    CategoryFactory()
    OfficialFactory(honorific="นาย", name_th="สุรเชษฐ์ ทองประเสริฐ", name_en="Surachet Thongprasert")
    write(tmp_path, "a.txt", THAI_PAGE)
    run(tmp_path)
    release = Release.objects.get()
    assert release.officials.count() == 1
    assert {field: getattr(release, field) for field in search.SEARCH_FIELDS} == search.document_for(release)
    assert "surachet" in release.search_summary.split()
