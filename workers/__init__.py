"""Celery workers: the app factory (`app.py`), the entry module (`entry.py`), tasks (`tasks.py`)."""
