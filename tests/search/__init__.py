"""Tests of the search package (releases/search/), one module per module of it."""
