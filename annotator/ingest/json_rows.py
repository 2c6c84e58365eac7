"""Statements that take a whole chunk of rows as one JSON array, parsed by the database.

A bulk import hands the database one parameter per table and chunk, a JSON array of
rows (each an array), and lets SQLite's ``json_each`` or PostgreSQL's
``json_array_elements`` take it apart in C: the importing process then builds no
Python object per row, which is what keeps up with a million records.
Column names and SQL types come from our code, never from input; the rows are bound
parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# How each kind of value is read out of a row: SQLite's json_extract already gives SQL
# values; PostgreSQL's ->> gives text, cast to the column's type.
_POSTGRES_TYPES = {
    "text": "text",
    "int": "integer",
    "bool": "boolean",
    "timestamp": "timestamptz",
    "json": "jsonb",
}


@dataclass(frozen=True)
class JsonRows:
    """The SQL pieces that read rows of one JSON array parameter (``dialect`` is the
    SQLAlchemy dialect name: ``sqlite`` or ``postgresql``)."""

    dialect: str

    @property
    def placeholder(self) -> str:
        return "?" if self.dialect == "sqlite" else "%s"

    def source(self) -> str:
        """The FROM item: one row ``j`` per element of the bound array."""
        if self.dialect == "sqlite":
            return "json_each(?) AS j"
        return "json_array_elements(CAST(%s AS json)) AS j"

    def field(self, index: int, kind: str) -> str:
        """Element ``index`` of the current row, as an SQL value of ``kind``."""
        if self.dialect == "sqlite":
            return f"json_extract(j.value, '$[{index}]')"
        return f"CAST(j.value ->> {index} AS {_POSTGRES_TYPES[kind]})"

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        values: Sequence[str],
        where: str = "",
    ) -> str:
        """``INSERT INTO table (columns) SELECT values FROM <rows> [WHERE where]``."""
        names = ", ".join(f'"{column}"' for column in columns)
        select_list = ", ".join(values)
        condition = f" WHERE {where}" if where else ""
        return (
            f'INSERT INTO "{table}" ({names}) '  # noqa: S608 - names from our models
            f"SELECT {select_list} FROM {self.source()}{condition}"
        )
