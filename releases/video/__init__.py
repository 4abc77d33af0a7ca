"""Videos on a release: the row, the thumbnail fetched on save, the admin inline (embedded on a reader's click)."""
