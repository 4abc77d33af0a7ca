"""Search backends, one module per database; `backend()` picks one by the connection's vendor, once."""

from django.db import connection

_backends = {}


def backend(conn=None):
    """The search backend for `conn` (default: the default connection), one instance per vendor."""
    vendor = (conn or connection).vendor
    if vendor not in _backends:
        if vendor == "postgresql":
            from .postgresql import PostgreSQLBackend as backend_class
        elif vendor == "sqlite":
            from .sqlite import SQLiteBackend as backend_class
        else:
            from .base import SearchBackend as backend_class
        _backends[vendor] = backend_class()
    return _backends[vendor]
