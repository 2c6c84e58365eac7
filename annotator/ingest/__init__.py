"""Reading articles and actor registries into the database (``annotator import``)."""

from .errors import RejectedFile
from .service import FileOutcome, ImportReport, import_file, import_paths

__all__ = ["FileOutcome", "ImportReport", "RejectedFile", "import_file", "import_paths"]
