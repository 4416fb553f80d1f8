"""Readiness report: is an ente's integration ready for homologation? Rule by rule, with evidence.

``rules/*.yaml`` (data, one file per platform, each rule citing reference/) → ``judge.py`` (pure: events in,
findings out) → ``source.py`` (reads the ente's events from Kafka) → ``cli.py`` (``govbr-sandbox readiness``).
"""
