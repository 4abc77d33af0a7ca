"""Readership over time: daily view counts per release and arrival channel, and the reports on them."""
