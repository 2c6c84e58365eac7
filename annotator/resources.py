"""Locate the folders that ship beside the package: templates and migrations.

In a checkout they sit at the top of the repository; a built wheel carries them
inside the package (see ``force-include`` in pyproject.toml). Both layouts work.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder ``name`` from the installed package, else from the checkout.

    Raises FileNotFoundError naming both places when neither exists, so a broken
    install fails loudly instead of serving a page without templates.
    """
    packaged = PACKAGE_DIR / name
    if packaged.is_dir():
        return packaged
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"cannot find the {name!r} folder at {packaged} or {checkout}")
