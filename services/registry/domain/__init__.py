"""Pure domain core of the registry: no web framework, no database."""
