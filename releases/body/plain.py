"""A body's plain text: what search, summaries, feeds, JSON-LD and the archive export read."""

import re

from .blocks import BULLET_ITEM, HEADING, is_markup, paragraph_of, split_blocks

_TABLE_RULE = re.compile(r"^\|?[\s:|-]*-[\s:|-]*$")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^\s*][^*\n]*)\*(?!\w)|(?<!\w)_([^\s_][^_\n]*)_(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")


def _inline(text):
    text = _LINK.sub(lambda m: m[1] if m[1] == m[2] else f"{m[1]} ({m[2]})", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(lambda m: m[1] or m[2], text)
    return _ESCAPE.sub(r"\1", text)


def _line(line):
    """One Markdown line as plain text, or None to leave it out (a table's rule line)."""
    line = line.strip()
    while line.startswith(">"):
        line = line[1:].lstrip()
    if HEADING.match(line):
        line = line.lstrip("#").strip()
    elif BULLET_ITEM.match(line):
        line = "• " + BULLET_ITEM.match(line)["text"]
    elif line.startswith("|"):
        if _TABLE_RULE.match(line):
            return None
        line = " ".join(cell.strip() for cell in line.strip("|").split("|"))
    return _inline(line) if line else None


def plain_paragraphs(text):
    """Paragraphs of plain text; a plain body's are exactly its paragraphs as written."""
    paragraphs = []
    for lines in split_blocks(text):
        if is_markup(lines):
            lines = [plain for plain in map(_line, lines) if plain]
        if lines:
            paragraphs.append(paragraph_of(lines))
    return paragraphs


def plain_text(text):
    """The body without markup: paragraphs separated by a blank line, list items one a line ("• ", "๑.")."""
    return "\n\n".join(plain_paragraphs(text))
