"""Migrations of the benchmark's own table."""
