"""Which files an import reads: the paths given, directories searched recursively."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .outcome import FileOutcome

ARTICLE_SUFFIXES = (".txt", ".jsonl")
REGISTRY_SUFFIXES = (".json",)
SUPPORTED_SUFFIXES = ARTICLE_SUFFIXES + REGISTRY_SUFFIXES


def files_to_import(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileOutcome]]:
    """The files to read, registries first (records name their actors), and an outcome for
    each path that is not one: skipped in a directory, rejected when named."""
    files: list[Path] = []
    refused: list[FileOutcome] = []
    for found in _expand(paths):
        if isinstance(found, FileOutcome):
            refused.append(found)
        else:
            files.append(found)
    files.sort(key=lambda p: (p.suffix not in REGISTRY_SUFFIXES,))
    return files, refused


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | FileOutcome]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if not child.is_file():
                    continue
                if child.suffix in SUPPORTED_SUFFIXES:
                    yield child
                else:
                    yield FileOutcome(
                        str(child), "skipped", f"{child}: not a .txt, .jsonl or .json file"
                    )
        elif path.is_file():
            if path.suffix in SUPPORTED_SUFFIXES:
                yield path
            else:
                yield FileOutcome(
                    str(path),
                    "rejected",
                    f"{path}: unsupported file type {path.suffix or '(none)'!r}: "
                    "expected .txt, .jsonl or an actor registry .json",
                )
        else:
            yield FileOutcome(str(path), "rejected", f"{path}: no such file or directory")
