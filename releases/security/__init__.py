"""Staff security: the second factor, recovery codes, idle sessions and the audit log."""
