"""A small, honest language guess: English, Arabic, or undetermined ("und").

We only label what we can tell apart reliably without a model: Arabic by its
script, English by its most common function words. Anything else is "und"
(BCP 47 for "undetermined"); an import file can always state the language.
"""

from __future__ import annotations

import re

_ENGLISH_FUNCTION_WORDS = frozenset(
    """the of and to in a is that for on with as was by at from it its are has have
    were be this which an or but not had their they he his said""".split()
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def guess_language(texts: list[str]) -> str:
    """Return "en", "ar" or "und" for the given paragraphs."""
    joined = "\n".join(texts)
    arabic = len(_ARABIC_LETTER.findall(joined))
    latin = len(_LATIN_LETTER.findall(joined))
    if arabic + latin < 20:
        return "und"
    if arabic > 2 * latin:
        return "ar"
    if latin > 2 * arabic:
        latin_words = [w.casefold() for w in _LATIN_WORD.findall(joined)]
        common = sum(w in _ENGLISH_FUNCTION_WORDS for w in latin_words)
        if latin_words and common / len(latin_words) >= 0.2:
            return "en"
    return "und"
