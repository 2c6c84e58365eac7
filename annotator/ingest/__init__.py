"""Reading articles and actor registries into the database (``annotator import``)."""

from .errors import RejectedFile
from .preview import FilePreview, preview_paths
from .service import FileOutcome, ImportReport, import_file, import_paths

__all__ = [
    "FileOutcome",
    "FilePreview",
    "ImportReport",
    "RejectedFile",
    "import_file",
    "import_paths",
    "preview_paths",
]
