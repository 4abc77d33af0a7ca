"""Body text to HTML: plain paragraphs exactly as they always rendered, Markdown blocks through
markdown-it and the nh3 allow-list."""

import functools

import nh3
from django.template.defaultfilters import linebreaksbr, urlize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from .. import thai
from .blocks import BULLET_ITEM, THAI_ITEM, is_markup, paragraph_of, split_blocks

THAI_LIST_CLASS = "list-thai"
# What an editor's Markdown may become; everything else is dropped by nh3, whatever markdown-it did.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "strong", "em", "a", "ul", "ol", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_CLASSES = {"ol": {THAI_LIST_CLASS}}
URL_SCHEMES = {"http", "https", "mailto"}
# Deeper lists are flattened by markdown-it: bounded work and a readable page.
MAX_NESTING = 12
# Markdown is parsed in pure Python (~100 KB a second): past this many characters of Markdown
# blocks in one body the rest is shown as plain paragraphs, so no body can hold a page for long.
# Real releases are a few kilobytes; the admin form refuses bodies over MAX_BODY_LENGTH.
MARKDOWN_BUDGET = 100_000
MAX_BODY_LENGTH = 200_000


def _parser():
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "maxNesting": MAX_NESTING})
    md.enable(["table", "linkify"])
    # Not part of the editors' subset: indented code would swallow indented Thai prose,
    # setext headings and rules would take "---" lines, images would fetch from anywhere.
    md.disable(["code", "fence", "lheading", "hr", "image", "backticks", "html_block", "html_inline", "reference"])
    return md


_MD = _parser()


def _thai_to_markdown(lines):
    """Thai-numbered lines as indented Arabic-numbered Markdown items, and which lines they were.

    "๑.๑" is nested under "๑.": its indentation is the parent's content column, so markdown-it
    nests it; the line numbers let the rendered <ol> be marked as Thai-numbered (CSS counts in Thai).
    """
    out, thai_lines, content = [], set(), []  # content[d]: the text column of the last depth-d+1 item
    for index, line in enumerate(lines):
        stripped = line.strip()
        bullet = BULLET_ITEM.match(stripped)
        if bullet and stripped[0] == "•":
            line = line[: len(line) - len(line.lstrip())] + "- " + bullet["text"]
        match = THAI_ITEM.match(stripped)
        if not match:
            out.append(line)
            continue
        parts = [int(thai.to_arabic_digits(part)) for part in match["number"].rstrip(".)").split(".")]
        depth = min(len(parts), len(content) + 1)
        indent = content[depth - 2] if depth > 1 else 0
        marker = f"{parts[-1]}. "
        del content[depth - 1 :]
        content.append(indent + len(marker))
        out.append(" " * indent + marker + match["text"])
        thai_lines.add(index)
    return out, thai_lines


def _render_markdown(lines):
    source, thai_lines = _thai_to_markdown(lines)
    tokens = _MD.parse("\n".join(source))
    for position, token in enumerate(tokens):
        if token.type == "heading_open":
            # The page's <h1> is the title: the editor's two levels are <h2> and <h3>.
            token.tag = "h2" if token.tag == "h1" else "h3"
        elif token.type == "heading_close":
            token.tag = "h2" if token.tag == "h1" else "h3"
        elif token.type == "ordered_list_open":
            item = tokens[position + 1]
            if item.map and item.map[0] in thai_lines:
                token.attrSet("class", THAI_LIST_CLASS)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES, link_rel="nofollow", strip_comments=True,
    ).strip()


def _render_plain(paragraph):
    # The filters the template always applied, in the same order: the same bytes as before.
    return format_html("<p>{}</p>", linebreaksbr(urlize(paragraph, autoescape=True), autoescape=True))


# Bodies up to this size are cached (a page is rendered for every reader the page cache misses);
# a larger one is rendered each time rather than pinned in memory.
CACHED_BODY_LENGTH = 100_000


def render_blocks(text):
    """The body's blocks as safe HTML strings, one per blank-line separated chunk."""
    text = text or ""
    return _cached_blocks(text) if len(text) <= CACHED_BODY_LENGTH else _blocks(text)


def _blocks(text):
    blocks, budget = [], MARKDOWN_BUDGET
    for lines in split_blocks(text):
        if is_markup(lines) and budget > 0:
            budget -= sum(len(line) + 1 for line in lines)
            html = _render_markdown(lines)
            if html:
                blocks.append(mark_safe(html))
        else:
            blocks.append(_render_plain(paragraph_of(lines)))
    return tuple(blocks)


_cached_blocks = functools.lru_cache(maxsize=512)(_blocks)


def render_html(text):
    """The whole body as one safe HTML string (the admin preview)."""
    return mark_safe("\n".join(render_blocks(text)))
