"""Stancewire analysis core: paragraphs, language, actors, features, scoring, job store.

Nothing in this package imports Flask or Celery; the Redis job store takes its client as an
argument.
"""

__version__ = "0.1.0"
