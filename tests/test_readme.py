"""The README's example annotator.v2 line is what an ML engineer copies: it must stay valid."""

from __future__ import annotations

import json
from importlib import resources

from jsonschema import Draft202012Validator

from annotator.annotation.record import read_layers

from .conftest import ROOT


def test_readme_example_record_is_valid_and_its_spans_match() -> None:
    """The documented example passes the shipped schema and the span check."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index('```json\n{"schema": "annotator.v2"') + len("```json\n")
    record = json.loads(readme[start : readme.index("```", start)])
    schema = json.loads(
        resources.files("annotator").joinpath("schemas/annotator.v2.schema.json").read_text("utf-8")
    )
    errors = list(Draft202012Validator(schema).iter_errors(record))
    assert not errors, errors[0].message
    read_layers(record)


def test_the_quick_start_names_every_setting_of_make_run() -> None:
    """Each variable the Makefile lets `make run` take (HOST, PORT, WORKERS) is explained
    where a new user reads how to start the server, not only in a table further down."""
    import re

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    settings = re.findall(r"^([A-Z]+)\s*\?=", makefile, flags=re.MULTILINE)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme[
        readme.index("## Quick start") : readme.index("\n## ", readme.index("## Quick start") + 1)
    ]
    served = ["HOST", "PORT", "WORKERS"]
    assert set(served) <= set(settings)
    for name in served:
        assert re.search(rf"\b{name}=", quick_start), (
            f"the quick start does not say how to set {name}"
        )
