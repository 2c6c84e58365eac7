"""The annotation guidelines page: docs/guidelines.md rendered as HTML."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..resources import resource_dir
from .policy import Access, allow

bp = Blueprint("guidelines", __name__)


@cache
def guidelines_html() -> Markup:
    """The guidelines as HTML. Raw HTML in the Markdown is escaped, not passed through.

    The file is ours (it ships with the package), never user input; with HTML
    disabled, the renderer's output holds only the markup it generates itself.
    """
    source = (resource_dir("docs") / "guidelines.md").read_text(encoding="utf-8")
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    return Markup(renderer.render(source))  # noqa: S704 - our own file, HTML disabled


@bp.get("/guidelines")
@allow(Access.USER)
def show() -> str:
    """The annotation guidelines, one click from the workspace."""
    return render_template("guidelines.html", body=guidelines_html())
