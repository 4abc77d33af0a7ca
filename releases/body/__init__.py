"""Release body text: a small, safe Markdown subset rendered to HTML, and its plain-text form."""

from .blocks import bullets_to_markup, split_paragraphs
from .plain import plain_paragraphs, plain_text
from .render import render_blocks, render_html

__all__ = ["bullets_to_markup", "plain_paragraphs", "plain_text", "render_blocks", "render_html", "split_paragraphs"]
