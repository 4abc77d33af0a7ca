"""releases/body/blocks.py: blocks, plain paragraphs, and the importer's bullets."""

import pytest

from releases import body
from releases.body.blocks import is_markup


def test_scraped_bullets_become_list_markup():
    assert body.bullets_to_markup("หัวข้อ\n• หนึ่ง\n-สอง\n▪ สาม") == "หัวข้อ\n- หนึ่ง\n- สอง\n- สาม"


def test_a_hyphen_inside_a_line_is_kept():
    assert body.bullets_to_markup("ระหว่าง ๑๗ - ๒๑ มิถุนายน") == "ระหว่าง ๑๗ - ๒๑ มิถุนายน"


@pytest.mark.parametrize(
    "line, markup",
    [("๑. ข้อ", True), ("๑.๒ ข้อ", True), ("๑) ข้อ", True), ("๑๗ มิถุนายน", False), ("๒๕๖๕ ปี", False),
     ("- ข้อ", True), ("ราคา 5*3", False), ("a_b_c", False), ("**หนา**", True), ("1. one", True)],
)
def test_is_markup(line, markup):
    assert is_markup([line]) is markup
