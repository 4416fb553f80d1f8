"""Scenario files: set up an ente's bad day, run steps against the running sandbox, expect events."""
