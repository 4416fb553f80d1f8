"""Database access of the registry: one module per entity.

Each function works inside the caller's ``Transaction`` (one per HTTP request, see ``routes/deps.py``):
it reads or changes rows of ``storage.py`` and emits the events that describe the change, so both commit
together. Rules that need no database live in ``domain/``; HTTP lives in ``routes/``.
"""
