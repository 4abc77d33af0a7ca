"""Tests of releases/images/, one module per module of the package."""
