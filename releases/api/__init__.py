"""The public read API at /api/v1/: releases, officials and categories as JSON (docs/api.md)."""
