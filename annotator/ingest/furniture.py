"""Page furniture: which blocks of a scraped article are navigation, not reporting.

The rules, in the order they are tried (the first that matches names the reason):

1. ``known phrase``: the block is a phrase that only page chrome uses
   ("Short URL :", "Skip to main content", "Search", "Logo Wide", "Helpful keywords",
   "Please let us know if you're having issues with commenting.", ...).
2. ``share buttons``: a row of at least three words, most of them names of social
   networks or app stores ("youtube twitter facebook Google Play App Stores").
3. ``credit line``: it opens like a credit or follow line ("Follow X on Twitter",
   "Translated and edited by", "Photo:", "©").
4. ``navigation row``: a line split by two or more " | " separators (bylines, menus).
5. ``date line``: it opens with "Published", "Posted", "Updated" or the Arabic
   "تم النشر بتاريخ" and holds a date.
6. ``punctuation only``: no letter or digit at all ("......").
7. ``fragment``: every line has at most three words and none ends a sentence
   (logos, section names, datelines such as "Rif Dimashq - SMART").
8. ``related-news footer``: a "Related news" heading and everything after it.

Pure functions: no database, no app.
"""

from __future__ import annotations

import re
from datetime import date

from .text import fold

KNOWN_PHRASES = frozenset(
    fold(p)
    for p in (
        "Short URL",
        "Skip to main content",
        "Skip to content",
        "Search",
        "Logo",
        "Logo Wide",
        "Helpful keywords",
        "Keywords",
        "Tags",
        "Menu",
        "Home",
        "Share",
        "Share this article",
        "Print",
        "Email",
        "Advertisement",
        "Comments",
        "Read more",
        "Please let us know if you're having issues with commenting",
        "Please let us know if you are having issues with commenting",
    )
)

RELATED_HEADINGS = frozenset(
    fold(p)
    for p in (
        "Related",
        "Related news",
        "Related articles",
        "Related stories",
        "More on this story",
        "Read also",
        "الاخبار المتعلقة",
        "الأخبار المتعلقة",
        "أخبار ذات صلة",
        "اقرأ أيضا",
        "اقرأ أيضاً",
    )
)

SOCIAL_WORDS = frozenset(
    """facebook twitter youtube instagram whatsapp telegram linkedin google pinterest reddit
    tiktok snapchat rss email e-mail print share tweet app apps store stores play ios android
    messenger viber vk""".split()
)
SOCIAL_NETWORKS = frozenset(
    "facebook twitter youtube instagram whatsapp telegram linkedin pinterest reddit tiktok".split()
)

_CREDIT = re.compile(
    r"^(translated(\s+and\s+edited)?\s+by|edited\s+by|follow\s+.{1,80}?\s+on\s+"
    r"(twitter|facebook|instagram|telegram|x)\b|photo(\s+credit)?\s*:|image(\s+credit)?\s*:|"
    r"copyright\b|©|all\s+rights\s+reserved)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# How sentences end, in Latin script and in others (CJK full stops and marks, the Arabic
# question mark, the Devanagari danda).
_SENTENCE_END = re.compile(r"""[.!?…:;"”»'’)\]。．！？｡؟।॥]$""")
_PUNCTUATION_ONLY = re.compile(r"^\W+$")

MONTHS = {
    **{
        name: number
        for number, names in enumerate(
            (
                ("january", "jan"),
                ("february", "feb"),
                ("march", "mar"),
                ("april", "apr"),
                ("may",),
                ("june", "jun"),
                ("july", "jul"),
                ("august", "aug"),
                ("september", "sep", "sept"),
                ("october", "oct"),
                ("november", "nov"),
                ("december", "dec"),
            ),
            start=1,
        )
        for name in names
    },
    # Arabic month names: the Egyptian (Latin-derived) and the Levantine (Syriac) series.
    **{
        name: number
        for number, names in enumerate(
            (
                ("يناير", "كانون الثاني"),
                ("فبراير", "شباط"),
                ("مارس", "آذار"),
                ("أبريل", "ابريل", "إبريل", "نيسان"),
                ("مايو", "أيار", "ايار"),
                ("يونيو", "حزيران"),
                ("يوليو", "تموز"),
                ("أغسطس", "اغسطس", "آب"),
                ("سبتمبر", "أيلول", "ايلول"),
                ("أكتوبر", "اكتوبر", "تشرين الأول"),
                ("نوفمبر", "تشرين الثاني"),
                ("ديسمبر", "كانون الأول"),
            ),
            start=1,
        )
        for name in names
    },
}
_DATE_KEYWORD = r"(?:published|posted|updated|date|تم النشر بتاريخ|نشر بتاريخ|تاريخ النشر)"
_DATE_LINE_START = re.compile(rf"^\s*{_DATE_KEYWORD}\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?!\d)")
_MONTH_NAME = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({_MONTH_NAME})\.?[,،]?\s+(\d{{4}})", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", re.IGNORECASE
)


def words(line: str) -> list[str]:
    """The words of a line (letters and digits, with inner hyphens and apostrophes)."""
    return _WORD.findall(line)


def line_reason(line: str) -> str | None:
    """Why a single line is page furniture, or None if it may be reporting."""
    folded = fold(line).rstrip(" :.!")
    if folded in KNOWN_PHRASES:
        return "known phrase"
    tokens = [w.casefold() for w in words(line)]
    if (
        len(tokens) >= 3
        and sum(t in SOCIAL_WORDS for t in tokens) * 2 > len(tokens)
        and sum(t in SOCIAL_NETWORKS for t in tokens) >= 2
    ):
        return "share buttons"
    if _CREDIT.match(line.strip()):
        return "credit line"
    if line.count(" | ") >= 2:
        return "navigation row"
    if _DATE_LINE_START.match(line) and parse_date(line) is not None:
        return "date line"
    if _PUNCTUATION_ONLY.match(line):
        return "punctuation only"
    if len(tokens) <= 3 and not _SENTENCE_END.search(line.strip()):
        return "fragment"
    return None


def block_reason(lines: tuple[str, ...] | list[str]) -> str | None:
    """Why a block is page furniture: the first line's reason if every line is furniture."""
    reasons = [line_reason(line) for line in lines]
    if all(reasons):
        return reasons[0]
    return None


def is_related_heading(lines: tuple[str, ...] | list[str]) -> bool:
    """Whether a block opens a related-news footer."""
    return bool(lines) and fold(lines[0]).rstrip(" :") in RELATED_HEADINGS


def parse_date(text: str) -> date | None:
    """The first date in ``text``, or None.

    Numeric dates are read day first (03-08-2015 is 3 August 2015) unless the
    first number is a year or only month-first makes sense (12-31-2015).
    """
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC_DATE):
        match = pattern.search(text)
        if match is None:
            continue
        found = _date_from_match(pattern, match.groups())
        if found is not None:
            return found
    return None


def _date_from_match(pattern: re.Pattern[str], groups: tuple[str, ...]) -> date | None:
    try:
        if pattern is _DAY_MONTH_YEAR:
            return date(int(groups[2]), MONTHS[groups[1].casefold()], int(groups[0]))
        if pattern is _MONTH_DAY_YEAR:
            return date(int(groups[2]), MONTHS[groups[0].casefold()], int(groups[1]))
        a, b, c = (int(g) for g in groups)
        if len(groups[0]) == 4:
            return date(a, b, c)
        if len(groups[2]) != 4:
            return None
        if b > 12 >= a:
            return date(c, a, b)
        return date(c, b, a)
    except (ValueError, KeyError):
        return None


def find_published_date(lines: list[str]) -> date | None:
    """The publication date from the first line that announces one ("Published : 03-08-2015").

    Only lines that open with the keyword, or navigation rows (bylines) that hold
    it, count: a date in a sentence of the story is not the publication date.
    """
    keyword = re.compile(_DATE_KEYWORD, re.IGNORECASE)
    for line in lines:
        if _DATE_LINE_START.match(line) or (line.count(" | ") >= 2 and keyword.search(line)):
            tail = line[keyword.search(line).end() :]  # type: ignore[union-attr]
            found = parse_date(tail)
            if found is not None:
                return found
    return None
