"""Entry module for `celery -A workers.entry worker`: settings from the environment."""

from stancewire.config import Settings
from workers.app import make_celery

app = make_celery(Settings.load(), include_tasks=True)
