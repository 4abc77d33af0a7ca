"""Release photos and portraits: the Pillow pipeline, file storage and lifecycle, the form field, rendering and the orphan scan.

The rest of the app calls only the names below; docs/images.md describes the modules.
"""

from .fields import ImageUploadField
from .orphans import find_orphans
from .pipeline import ImageInfo, ImageRejected, logger, max_bytes, max_pixels, prepare_image, validate_image
from .rendering import picture, rendition
from .renditions import encoded_files
from .storage import (
    STORAGE_FAILED_MESSAGE,
    ImageStorageError,
    attach_image,
    cleaned_file,
    delete_files,
    original_name,
    stored_names,
    write_files,
)

__all__ = [
    "ImageInfo", "ImageRejected", "ImageStorageError", "ImageUploadField", "STORAGE_FAILED_MESSAGE", "attach_image",
    "cleaned_file", "delete_files", "encoded_files", "find_orphans", "logger", "max_bytes", "max_pixels", "original_name", "picture",
    "prepare_image",
    "rendition", "stored_names", "validate_image", "write_files",
]
