"""The error that rejects a whole file during import."""

from __future__ import annotations


class RejectedFile(Exception):
    """A file that cannot be imported; nothing of it is stored.

    ``str()`` gives ``file:line: message`` (or ``file: message``) like a compiler.
    """

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"
