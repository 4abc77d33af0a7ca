"""Tests of releases/security: second factor, recovery codes, sessions, audit log."""
