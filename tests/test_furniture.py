"""The page-furniture rules and the date reader, on the lines annotators should never see."""

from __future__ import annotations

from datetime import date

import pytest

from annotator.ingest.furniture import block_reason, line_reason, parse_date


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Short URL :", "known phrase"),
        ("Skip to main content", "known phrase"),
        ("Search", "known phrase"),
        ("Please let us know if you’re having issues with commenting.", "known phrase"),
        ("youtube twitter facebook Google Paly App Stores", "share buttons"),
        ("Follow Edwin Mora on Twitter: @EdwinMora83", "credit line"),
        ("Translated and edited by The Syrian Observer", "credit line"),
        ("Home | World | Middle East", "navigation row"),
        ("Published : 03-08-2015", "date line"),
        ("......", "punctuation only"),
        ("Rif Dimashq - SMART", "fragment"),
    ],
)
def test_furniture_lines_are_recognised(line: str, reason: str) -> None:
    """Each kind of furniture is flagged, with the rule that caught it."""
    assert line_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "ISIS published pictures showing Palestinian refugees in Damascus who had been beheaded.",
        "Search operations continued in the camp on Tuesday.",
        "Alloush said that it is too early to talk about the outcomes of the negotiations.",
        "“Leave now.”",
        "IS loses ground in Syria's Yarmouk camp",
        "Russia and Facebook and Twitter were all mentioned by the official in his speech.",
    ],
)
def test_reporting_lines_are_not_furniture(line: str) -> None:
    """Real sentences, short quotes and headlines stay annotatable."""
    assert line_reason(line) is None


def test_block_is_furniture_only_if_every_line_is() -> None:
    """A standfirst with a photo caption is reporting even though captions look odd."""
    assert block_reason(["Logo Wide", "Search"]) == "known phrase"
    assert block_reason(["Skip to main content", "Fighters took the camp on Tuesday."]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published : 03-08-2015", date(2015, 8, 3)),
        ("Published: 12-31-2015", date(2015, 12, 31)),
        ("Posted 2016-02-29", date(2016, 2, 29)),
        ("Published on March 27, 2018", date(2018, 3, 27)),
        ("تم النشر بتاريخ : 27 مارس، 2018 7:47:31 م", date(2018, 3, 27)),
        ("Published : 31-02-2015", None),
        ("no date here", None),
    ],
)
def test_dates_are_read_day_first_and_in_arabic(text: str, expected: date | None) -> None:
    """Publication dates in the forms the sources use; impossible dates give none."""
    assert parse_date(text) == expected
