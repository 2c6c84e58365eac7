"""The rule suggestions alone (no app): names after titles and roles, the speaker next to a
reporting cue, Arabic cues, and the lexicon an admin extends; every span slices to its text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggestions import lexicon
from annotator.suggestions.matching import suggest_cues
from annotator.suggestions.rules import suggest_cue_subjects, suggest_titled_names


def titled(text: str) -> list[tuple[str, str]]:
    return [(s["text"], s["label"]) for s in suggest_titled_names(text)]


def subjects(text: str) -> list[tuple[str, str]]:
    return [(s["text"], s["label"]) for s in suggest_cue_subjects(text, suggest_cues(text))]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Foreign Minister Faisal Meqdad met President Bashar al-Assad's envoy.",
            ["Faisal Meqdad", "Bashar al-Assad"],
        ),
        ("Mr. John F. Kennedy and Dr. Ali spoke.", ["John F. Kennedy", "Ali"]),
        ("The army spokesman, Avichay Adraee, said so.", ["Avichay Adraee"]),
        ("The president said the official figures were wrong.", []),  # no name follows
        ("وقال وزير الخارجية فيصل المقداد إن الحرب انتهت", ["فيصل المقداد"]),
        ("وقال المتحدث باسم الجيش الإسرائيلي أفيخاي أدرعي إن", ["أفيخاي أدرعي"]),
        ("وصل الشيخ حسن نصر الله إلى بيروت", ["حسن نصر الله"]),
        ("التقى اللواء علي مملوك.", ["علي مملوك"]),
    ],
)
def test_names_after_titles_are_people(text: str, names: list[str]) -> None:
    """A name written after a title or role (English or Arabic) is suggested as a PERSON,
    without the title, the role's complement or a possessive."""
    assert titled(text) == [(name, "PERSON") for name in names]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Faisal Meqdad said the talks failed.", [("Faisal Meqdad", "PERSON")]),
        ("The talks failed, said Jean-Pierre Lacroix.", [("Jean-Pierre Lacroix", "PERSON")]),
        ("The Foreign Ministry said so.", [("Foreign Ministry", "ORGANIZATION")]),
        ("Clashes went on, according to Reuters.", [("Reuters", "ORGANIZATION")]),
        ("He said so on Monday.", []),  # a pronoun, a day: nobody
        ("Syria's al-Nusra Front said so.", [("al-Nusra Front", "ORGANIZATION")]),
        ("Alloush added that AFP told him.", [("Alloush", "PERSON"), ("AFP", "ORGANIZATION")]),
        ("Deputy Foreign Minister Faisal Meqdad said so.", [("Faisal Meqdad", "PERSON")]),
        ("قال فيصل المقداد إن الحرب انتهت", [("فيصل المقداد", "PERSON")]),
        ("وقال الجيش الإسرائيلي إن", [("الجيش الإسرائيلي", "ORGANIZATION")]),
    ],
)
def test_the_speaker_next_to_a_cue_is_suggested(text: str, found: list[tuple[str, str]]) -> None:
    """ "X said", "said X", "according to X", "قال X": the speaker as an entity, a PERSON
    when it looks like a person's name."""
    assert subjects(text) == found


def test_arabic_cues_joined_to_a_conjunction_are_offered_as_the_whole_word() -> None:
    """قال، أكد، أعلن... are cues; وقال and فقال are offered whole, as a selection snaps to
    them and as annotators marked them (guidelines §3); مقال (an article) is not one."""
    text = "وقال الوزير، وأكدت الوزارة. أعلن الجيش. نشر مقال، فقال"
    assert [c["text"] for c in suggest_cues(text)] == ["وقال", "وأكدت", "أعلن", "فقال"]
    assert all(text[c["start"] : c["end"]] == c["text"] for c in suggest_cues(text))


def test_warnings_and_calls_are_cues_in_english_and_arabic() -> None:
    """A warning and a call report what someone said as much as "said" does: "warned that",
    "urged", حذرت and دعت (also joined to و, then offered whole), the adverbial محذرا; never inside a longer
    word (دعاء "a prayer", حذرين "cautious")."""
    text = (
        "The UN warned that the truce was fragile and urged both sides to talk. "
        "وحذرت الأمم المتحدة من التصعيد، ودعت الأطراف إلى الحوار، محذرا من انهيار الهدنة. "
        "دعاء حذرين"
    )
    assert [c["text"] for c in suggest_cues(text)] == ["warned", "urged", "وحذرت", "ودعت", "محذرا"]


def test_an_admin_extends_the_lexicon_with_files_of_their_own(
    admin_lexicon: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ANNOTATOR_CUE_LEXICON and ANNOTATOR_TITLE_LEXICON name files that add entries and
    remove shipped ones ("-said"); a change of the file is read again."""
    admin_lexicon(
        cues="# ours\n[verbs]\ninsisted\n-said\n[sources]\nciting\n", titles="Patriarch\n"
    )
    text = "Patriarch John Yazigi insisted, citing Reuters; Ali said no."
    assert [c["text"] for c in suggest_cues(text)] == ["insisted", "citing"]
    assert titled(text) == [("John Yazigi", "PERSON")]
    assert ("Reuters", "ORGANIZATION") in subjects(text)
    monkeypatch.delenv(lexicon.CUE_SETTING)
    assert [c["text"] for c in suggest_cues(text)] == ["said"]


def test_an_unreadable_lexicon_file_leaves_the_shipped_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A missing admin file does not stop paragraphs from opening: it is logged, and the
    shipped cues are offered."""
    monkeypatch.setenv(lexicon.CUE_SETTING, str(tmp_path / "missing.txt"))
    assert [c["text"] for c in suggest_cues("Ali said no.")] == ["said"]
    assert "missing.txt" in caplog.text


def test_the_shipped_lexicon_holds_the_arabic_cues_and_titles() -> None:
    """The data files ship the Arabic reporting verbs and titles the issue names."""
    loaded = lexicon.load()
    for verb in ("قال", "أكد", "أعلن", "أضاف", "نفى", "صرح", "أوضح", "ذكر"):
        assert verb in loaded.verbs
    for title in ("السيد", "الرئيس", "وزير", "المتحدث", "اللواء", "العميد", "الشيخ"):
        assert title in loaded.titles


FRAGMENTS = st.sampled_from(
    [
        "President ",
        "Mr. ",
        "Faisal Meqdad",
        " said ",
        "according to ",
        "وقال ",
        "وزير الخارجية ",
        "فيصل المقداد",
        "الشيخ ",
        "👨‍👩‍👧",
        "e\u0301",
        "al-Assad's",
        ", ",
        "\n",
        "The ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS | st.text(max_size=4), max_size=14))
def test_every_rule_suggestion_slices_to_its_text(parts: list[str]) -> None:
    """Whatever the text (Arabic, emoji, combining marks), every cue, title and speaker
    suggestion's code-point offsets slice to its text."""
    text = "".join(parts)
    cues = suggest_cues(text)
    for suggestion in [*cues, *suggest_titled_names(text), *suggest_cue_subjects(text, cues)]:
        assert 0 <= suggestion["start"] < suggestion["end"] <= len(text)
        assert text[suggestion["start"] : suggestion["end"]] == suggestion["text"]
