"""Splitting a body into blocks and telling plain paragraphs from Markdown ones."""

import re

# Spaces an editor's paste leaves on "blank" lines (no-break, zero-width, ideographic).
_SPACES = " \t\u00a0\u200b\u3000"
_BLANK_LINES = re.compile(r"\n(?:[ \t\u00a0\u200b\u3000]*\n)+")

# A Thai-numbered item: "๑." or "๑)" or a nested "๑.๑" / "๑.๑." (a bare "๑๗ มิถุนายน" is prose).
_THAI_NUMBER = r"[๑-๙][๐-๙]{0,2}"
THAI_ITEM = re.compile(rf"^(?P<number>{_THAI_NUMBER}(?:\.{_THAI_NUMBER})+\.?|{_THAI_NUMBER}[.)])[ \t\u00a0]+(?P<text>\S.*)$")
BULLET_ITEM = re.compile(r"^[-*+•][ \t\u00a0]+(?P<text>\S.*)$")
ARABIC_ITEM = re.compile(r"^\d{1,9}[.)][ \t\u00a0]+\S")
HEADING = re.compile(r"^#{1,6}[ \t]+\S")
QUOTE_OR_TABLE = re.compile(r"^[>|]")
# Inline markup: **strong**, __strong__, *em*, _em_, [text](address).
INLINE = re.compile(
    r"\*\*\S|\S\*\*|__\S|(?<![\w*])\*[^\s*][^*\n]*\*(?!\w)|(?<!\w)_[^\s_][^_\n]*_(?!\w)|\[[^\]\n]+\]\([^)\n]+\)"
)


def split_blocks(text):
    """Blank-line separated chunks of `text`, lines right-trimmed, indentation kept (it nests lists)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    for chunk in _BLANK_LINES.split(text):
        lines = [line.rstrip(_SPACES) for line in chunk.split("\n")]
        lines = [line for line in lines if line.strip(_SPACES)]
        if lines:
            yield lines


def paragraph_of(lines):
    """A plain block as one paragraph: each line's outer space trimmed, joined by newlines."""
    return "\n".join(line.strip(_SPACES) for line in lines)


def split_paragraphs(text):
    """Paragraphs of a plain-text body, each with its lines' outer space trimmed."""
    return [paragraph_of(lines) for lines in split_blocks(text)]


def is_markup(lines):
    """Whether a block uses any Markdown: a heading, list, quote or table line, or inline markup."""
    for line in lines:
        stripped = line.strip(_SPACES)
        if (
            HEADING.match(stripped) or BULLET_ITEM.match(stripped) or ARABIC_ITEM.match(stripped)
            or THAI_ITEM.match(stripped) or QUOTE_OR_TABLE.match(stripped)
        ):
            return True
    return bool(INLINE.search("\n".join(lines)))


_SCRAPED_BULLET = re.compile(r"^[•●▪◦·\-][ \t\u00a0]*(?=\S)", re.MULTILINE)


def bullets_to_markup(paragraph):
    """A scraped paragraph's bullet lines ("• …", "- …") as Markdown items; "๑." lines already are."""
    return _SCRAPED_BULLET.sub("- ", paragraph)
