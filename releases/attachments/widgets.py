"""The admin's document file input: the stored document by its original file name, type and size, as a link."""

from ..images.widgets import CurrentFileInput
from .presentation import facts


class DocumentFileInput(CurrentFileInput):
    """The stored document as a link named by the file the editor uploaded, with "PDF, 1.2 MB, 3 pages"."""

    def describe(self, row, value):
        return {"file_name": row.file_name, "facts": facts(row)}
