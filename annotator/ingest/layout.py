"""How an article's blocks of lines become its title, paragraphs and boilerplate.

Nothing of the text is lost: every line ends up in the title, in a paragraph or in a
boilerplate paragraph. Only an exact repeat is dropped (a block that repeats an earlier
paragraph, or a line that repeats the title), and every one dropped is counted.

- **A headline becomes the title.** The first line that is not page furniture is the
  headline when it is short (at most ``MAX_TITLE_LENGTH`` characters), does not end with a
  full stop, and shares its block with no other line of reporting. It is the title, not a
  paragraph; the same line again later is a repeat.
- **Otherwise the title is a copy.** When that line is long, ends like a sentence or opens
  a paragraph (a file that starts with its lead), the title is its opening words and the
  line stays in its paragraph: a title never swallows a paragraph.
- **A headline is never the only thing to annotate.** When everything else is furniture
  (or there is nothing else), the headline stays a paragraph as well.

A repeat is counted once per block: a block dropped, or cut short, because it repeats the
title or an earlier paragraph.

Pure functions: no database, no app.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .furniture import block_reason, is_related_heading, line_reason
from .text import Block

MAX_TITLE_LENGTH = 300
RELATED_FOOTER = "related-news footer"
# A full stop at the end, closing quotes and brackets aside; an ellipsis is not one.
_FULL_STOP = re.compile(r"""(?<![.．])[.．。۔]["'”’»)\]]*$""")


@dataclass(frozen=True)
class ParsedParagraph:
    text: str
    boilerplate_reason: str | None = None

    @property
    def is_boilerplate(self) -> bool:
        return self.boilerplate_reason is not None


@dataclass(frozen=True)
class Layout:
    """An article's title and paragraphs, and how many repeats were dropped to get them."""

    title: str
    paragraphs: tuple[ParsedParagraph, ...]
    repeats_dropped: int


class NoTitle(ValueError):
    """Every line of the article is page furniture: there is nothing to call it."""


def collapse(line: str) -> str:
    """A line with every run of white space as one space: how a title is stored."""
    return " ".join(line.split())


def is_headline(line: str) -> bool:
    """Whether a line reads as a headline: short, and not a sentence ending in a full stop."""
    return len(collapse(line)) <= MAX_TITLE_LENGTH and not _FULL_STOP.search(line)


def title_from(line: str) -> str:
    """A title made from a line: the whole line when it fits, else its opening words and "…"."""
    text = collapse(line)
    if len(text) <= MAX_TITLE_LENGTH:
        return text
    cut = text[: MAX_TITLE_LENGTH - 1]
    space = cut.rfind(" ")
    if space > MAX_TITLE_LENGTH // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def lay_out(blocks: Sequence[Block], title: str | None = None) -> Layout:
    """Title and paragraphs of an article; ``title`` is the one its file gives, if any.

    Raises ``NoTitle`` when no title is given and every line is page furniture.
    """
    if title is not None:
        headline_at = None
    else:
        found = _first_reporting_line(blocks)
        if found is None:
            raise NoTitle("no title found: every line looks like page furniture")
        headline_at, line = found
        title = title_from(line)
        block = blocks[headline_at[0]].lines
        others = block[: headline_at[1]] + block[headline_at[1] + 1 :]
        if not is_headline(line) or any(line_reason(other) is None for other in others):
            return _split(blocks, title, None, None)
    layout = _split(blocks, title, title, headline_at)
    if not any(not p.is_boilerplate for p in layout.paragraphs):
        return _split(blocks, title, None, None)  # the headline is all there is to annotate
    return layout


def _first_reporting_line(blocks: Sequence[Block]) -> tuple[tuple[int, int], str] | None:
    """The first line that is not page furniture, with its (block, line) position."""
    for block_index, block in enumerate(blocks):
        for line_index, line in enumerate(block.lines):
            if line_reason(line) is None:
                return (block_index, line_index), line
    return None


def _split(
    blocks: Sequence[Block],
    title: str,
    headline: str | None,
    headline_at: tuple[int, int] | None,
) -> Layout:
    """Paragraphs from blocks: lines equal to ``headline`` left out (the one at
    ``headline_at`` is the title itself, the others repeats), repeated blocks dropped,
    furniture flagged."""
    seen: set[str] = set()
    paragraphs: list[ParsedParagraph] = []
    repeats = 0
    in_footer = False
    for block_index, block in enumerate(blocks):
        lines = []
        repeated = False
        for line_index, line in enumerate(block.lines):
            if headline is not None and collapse(line) == headline:
                repeated |= (block_index, line_index) != headline_at
                continue
            lines.append(line)
        text = "\n".join(lines)
        if text in seen:
            repeated = True
        elif lines:
            seen.add(text)
            if not in_footer and is_related_heading(lines):
                in_footer = True
            reason = RELATED_FOOTER if in_footer else block_reason(lines)
            paragraphs.append(ParsedParagraph(text, reason))
        repeats += repeated
    return Layout(title, tuple(paragraphs), repeats)
