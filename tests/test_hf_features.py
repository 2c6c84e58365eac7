"""The hf folder declares its features: datasets loads it with those types at any size, even when
a field is null in every record of the first 10 MB and set only later."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.export.converters import hf

from .golden_corpus import GOLDEN
from .test_converters import require

BLOCK = 10 << 20  # datasets' JSON loader reads (and used to guess types from) 10 MiB at a time
RARE = "the only comment, in the last record"


def _templates() -> list[dict[str, Any]]:
    """annotator.v2 records of every shape the golden export has (entity and span targets,
    quotes with and without cue or speaker, actors or none)."""
    lines = (GOLDEN / "expected" / "all.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines]


def _records(count: int, **extra: Any) -> Iterator[dict[str, Any]]:
    """``count`` records, every comment null but the last one's."""
    for number, template in enumerate(islice(cycle(_templates()), count)):
        comment = RARE if number == count - 1 else None
        yield {**template, "id": f"{template['id']}#{number}", "comment": comment, **extra}


def _loaded(folder: Path, cache: Path) -> Any:
    datasets = require("datasets")
    return datasets.load_dataset(str(folder), cache_dir=str(cache))


def _item(feature: Any) -> Any:
    """What a list feature holds (``[x]`` in datasets 2 and 3, ``List(x)`` from 4)."""
    return feature[0] if isinstance(feature, list) else feature.feature


def test_a_comment_set_only_after_the_first_10_mb_loads_as_a_string(tmp_path: Path) -> None:
    """Past 10 MB with the rare field set only at the end, load_dataset(folder) keeps it."""
    datasets = require("datasets")
    templates = _templates()
    mean_size = sum(len(orjson.dumps(hf.reshape(t))) for t in templates) / len(templates)
    count = int(BLOCK * 1.25 / mean_size)  # a quarter past the first block
    folder = tmp_path / "hf"
    assert hf.write(_records(count), folder) == {"data": count}
    data = (folder / "data.jsonl").read_bytes()
    assert data.rindex(b'"comment":"') > BLOCK and data.count(b'"comment":"') == 1

    train = _loaded(folder, tmp_path / "cache")["train"]
    assert len(train) == count and train[-1]["comment"] == RARE
    features = train.features
    assert set(features) == set(hf.reshape(templates[0]))  # every field declared
    assert features == datasets.load_dataset_builder(str(folder)).info.features
    string, int64 = datasets.Value("string"), datasets.Value("int64")
    assert features["comment"] == string and features["annotator"] == string
    assert features["index"] == int64 and features["flagged"] == datasets.Value("bool")
    assert _item(features["entities"])["actor"] == {"id": string, "name": string, "type": string}
    target = _item(features["stances"])["target"]
    assert target == {"entity": string, "start": int64, "end": int64, "text": string}
    assert _item(features["quotes"])["cue"] == {"start": int64, "end": int64, "text": string}
    targets = [s["target"] for row in train.select(range(len(templates))) for s in row["stances"]]
    assert {t["entity"] is None for t in targets} == {True, False}  # both kinds survive


def test_a_gold_split_export_declares_its_optional_fields(tmp_path: Path) -> None:
    """A split's sets load as splits, and gold's ``sources`` and the ``split`` field are typed."""
    datasets = require("datasets")
    records = [
        {**record, "split": "dev" if number % 2 else "train"}
        for number, record in enumerate(
            _records(4, annotator=None, status="gold", sources=["alice", "bob"])
        )
    ]
    folder = tmp_path / "hf"
    assert hf.write(records, folder) == {"train": 2, "dev": 2}
    loaded = _loaded(folder, tmp_path / "cache")
    assert {name: len(rows) for name, rows in loaded.items()} == {"train": 2, "validation": 2}
    features = loaded["train"].features
    assert _item(features["sources"]) == datasets.Value("string")
    assert features["split"] == datasets.Value("string")
    assert loaded["validation"][0]["sources"] == ["alice", "bob"]


def test_a_field_without_a_declared_type_stops_the_export() -> None:
    """A new record field must be given a type here, or datasets would guess it again."""
    with pytest.raises(KeyError, match="confidence"):
        hf.card(["id", "confidence"])


def _targets(record: dict[str, Any]) -> set[bool]:
    """Whether each of the record's stance targets is text (True) or an entity (False)."""
    return {s["target"]["entity"] is None for s in record["stances"]}


def test_plain_jsonl_loads_when_text_targets_come_only_after_the_first_10_mb(
    tmp_path: Path,
) -> None:
    """annotator.v2 gives a stance's target one type: the plain JSONL, whose first 10 MB hold
    only entity targets, loads with ``load_dataset("json")`` (v1's string-or-object target
    failed there: "changed from string to object" or "Couldn't cast")."""
    datasets = require("datasets")
    templates = _templates()
    entity_only = [t for t in templates if _targets(t) == {False}]
    with_text = [t for t in templates if True in _targets(t)]
    assert entity_only and with_text
    mean_size = sum(len(orjson.dumps(t)) for t in entity_only) / len(entity_only)
    head = int(BLOCK * 1.1 / mean_size)
    lines = [
        orjson.dumps({**t, "id": f"{t['id']}#{n}"})
        for n, t in enumerate(islice(cycle(entity_only), head))
    ] + [orjson.dumps({**t, "id": f"{t['id']}#tail"}) for t in with_text]
    path = tmp_path / "labels.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert path.read_bytes().index(b'"entity":null') > BLOCK

    rows = datasets.load_dataset("json", data_files=str(path), cache_dir=str(tmp_path / "c"))
    train = rows["train"]
    assert len(train) == head + len(with_text)
    last = train[-1]
    assert last["id"] == with_text[-1]["id"] + "#tail"
    assert [s["target"] for s in last["stances"]] == [s["target"] for s in with_text[-1]["stances"]]
