"""The package's layers, read from its imports: the core never reaches up into the web or the
CLI, blueprints never import each other, and the pure modules need no database. A module
that breaks a rule would tangle what a newcomer must read to change one thing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"
# The top floor: the app factory, its Flask glue, the web and the CLI.
TOP = {"annotator", "annotator.extensions", "annotator.logs"}
WEB_OR_CLI = ("annotator.web", "annotator.cli")
FLASK = ("flask", "flask_login", "flask_wtf", "werkzeug")
ALLOWED = ("werkzeug.security",)  # password hashing: a library, not the request machinery
PURE = (
    "annotator.annotation.model",
    "annotator.annotation.record",
    "annotator.annotation.validation",
    "annotator.suggestions.matching",
    "annotator.export.request",
    "annotator.export.splits",
    "annotator.ingest.text",
    "annotator.ingest.record_lines",
)


def _modules() -> dict[str, set[str]]:
    """Every module of the package and the modules it imports (relative ones resolved)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                module = (
                    f"{base}.{node.module}"
                    if node.level and node.module
                    else base
                    if node.level
                    else node.module or ""
                )
                imported.add(module)
                imported |= {f"{module}.{alias.name}" for alias in node.names}
        found[name] = imported
    return found


MODULES = _modules()


def _starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize(
    "module",
    [m for m in MODULES if m not in TOP and not _starts(m, WEB_OR_CLI)],
)
def test_the_core_imports_neither_flask_nor_the_layers_above_it(module: str) -> None:
    """Models, the annotation, ingest, export and the services run without a web request."""
    reaching_up = {
        name
        for name in MODULES[module]
        if (_starts(name, FLASK + WEB_OR_CLI) and not _starts(name, ALLOWED))
        or name in TOP - {"annotator"}
        or name == "annotator.create_app"
    }
    assert not reaching_up, f"{module} imports {sorted(reaching_up)}"


def test_blueprints_never_import_each_other() -> None:
    """Each page or resource calls the services, not another blueprint."""
    blueprints = {
        name
        for name in MODULES
        if name.startswith("annotator.web.")
        and "Blueprint(" in (PACKAGE.parent / (name.replace(".", "/") + ".py")).read_text("utf-8")
    }
    assert len(blueprints) >= 7
    for name in blueprints:
        others = {m for m in MODULES[name] if any(_starts(m, (b,)) for b in blueprints - {name})}
        assert not others, f"{name} imports {sorted(others)}"


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_need_no_database(module: str) -> None:
    """The annotation model, validation, matching, splits and export requests are plain
    functions over values: testable and usable without a database."""
    assert not {m for m in MODULES[module] if _starts(m, ("sqlalchemy", "annotator.models"))}
