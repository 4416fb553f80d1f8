"""Console: each ente's events live, as stories that explain themselves; the trainer's view of a lab."""
