"""Documents attached to releases: content checks, storage, text for search, admin inline."""
