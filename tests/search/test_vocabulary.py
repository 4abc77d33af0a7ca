"""The segmentation dictionary: officials' names added to pythainlp's words, found by one regex."""

import pytest

from releases import search
from releases.search import vocabulary
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_any_name_and_nothing_else():
    names = vocabulary._any_of({"สมปอง", "สมชาย", "สม", "ดอน", "ปรมัตถ์วินัย"})
    assert names.search("นายดอนปรมัตถ์วินัย") and names.search("ผสม")
    assert not names.search("กระทรวงการต่างประเทศ")
    assert not vocabulary._any_of(set()).search("อะไรก็ได้")


def test_officials_names_are_added_to_the_dictionary_not_replacing_it(db):
    assert search.tokenize("นายสมปองวิริยะกุลวงศ์") != ["นาย", "สมปองวิริยะกุลวงศ์"]
    OfficialFactory(name_th="สมปอง วิริยะกุลวงศ์", aliases="นายสมปอง วิริยะกุลวงศ์")
    assert search.tokenize("นายสมปอง วิริยะกุลวงศ์ แถลงข่าว", search.dictionary.trie(verify=True)) == [
        "นาย", "สมปอง", "วิริยะกุลวงศ์", "แถลงข่าว",
    ]
