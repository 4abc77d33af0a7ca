"""Redirects from the ministry's old addresses: the table, matching, the 404 fallback, the admin and CSV import."""
