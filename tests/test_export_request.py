"""An export request read from text (no app): the CLI, the API and the download form all
get the same answer for the same options, and a wrong option is named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from annotator.export.request import BadExportRequest, ExportRequest
from annotator.export.splits import SplitSpec


def test_defaults_and_every_option() -> None:
    """No options is the submitted annotator.v1 export; each option lands where it belongs."""
    assert ExportRequest.parse({}) == ExportRequest()
    wanted = ExportRequest.parse(
        {
            "format": "hf",
            "status": "all",
            "annotator": " alice ",
            "document": "doc-1",
            "since": "2026-01-02",
            "split": "80/10/10",
            "seed": "7",
            "split_files": "true",
        }
    )
    assert wanted == ExportRequest(
        format="hf",
        status="all",
        annotator="alice",
        document="doc-1",
        since=datetime(2026, 1, 2, tzinfo=UTC),
        split=SplitSpec(80, 10, 10, 7),
        split_files=True,
    )
    assert not wanted.streams and ExportRequest().streams


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"format": "csv"}, "format", "annotator, spacy"),
        ({"status": "golden"}, "status", "submitted, all, gold"),
        ({"status": "gold", "annotator": "bob"}, "annotator", "no annotator"),
        ({"split": "80-10-10"}, "split", "TRAIN/DEV/TEST"),
        ({"split": "0/0/0"}, "split", "add up to nothing"),
        ({"split": "80/10/10", "seed": "x"}, "seed", "whole number"),
        ({"split": "80/10/10", "seed": "--5"}, "seed", "whole number"),
        ({"split": "80/10/10", "seed": "²"}, "seed", "whole number"),
        ({"split_files": "1"}, "split_files", "needs a split"),
        ({"since": "yesterday"}, "since", "not a date"),
    ],
)
def test_a_wrong_option_is_named(options: dict[str, str], field: str, message: str) -> None:
    """Each wrong option is refused with its name and what would be right."""
    with pytest.raises(BadExportRequest) as caught:
        ExportRequest.parse(options)
    assert caught.value.field == field and message in caught.value.message


def test_a_seed_without_a_split_is_ignored() -> None:
    """As the CLI does: a seed changes nothing unless there is a split to seed."""
    assert ExportRequest.parse({"seed": "abc"}) == ExportRequest()
    assert ExportRequest.parse({"split": "80/10/10", "seed": "-5"}).split == SplitSpec(
        80, 10, 10, -5
    )


def test_a_timestamp_keeps_its_zone() -> None:
    """--since with a time and an offset means that moment; without an offset, UTC."""
    assert ExportRequest.parse({"since": "2026-01-02T10:00+02:00"}).since == datetime(
        2026, 1, 2, 8, 0, tzinfo=UTC
    )
    assert ExportRequest.parse({"since": "2026-01-02T10:00"}).since == datetime(
        2026, 1, 2, 10, 0, tzinfo=UTC
    )
