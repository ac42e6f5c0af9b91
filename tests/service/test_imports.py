import subprocess
import sys

from stancewire.config import PROJECT_ROOT


def test_api_process_never_loads_scikit_learn() -> None:
    code = (
        "import sys; from service import create_app; "
        "app = create_app({'redis_url': 'redis://127.0.0.1:1/0'}); app.test_client().get('/openapi.json'); "
        "app.test_client().get('/v1/models/current'); app.test_client().get('/v1/actors'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'joblib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout[:500]


def test_core_package_has_no_flask_or_celery() -> None:
    code = (
        "import sys, stancewire.analysis, stancewire.actors, stancewire.features, stancewire.paragraphs, "
        "stancewire.jobstore, stancewire.modelstore; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'celery', 'kombu')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
