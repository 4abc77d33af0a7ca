"""E-mail alerts (and an optional LINE broadcast) for releases that become public, each announced exactly once."""
