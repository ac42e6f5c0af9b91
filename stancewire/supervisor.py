"""`stance up`: run Redis (embedded unless REDIS_URL is set), a Celery worker and the API.

Children that die are restarted with backoff; Ctrl-C (or SIGTERM) stops everything, the API
first, then the worker (warm shutdown hands unfinished tasks back), then Redis.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

from .config import PROJECT_ROOT, Settings
from .embedded_redis import EmbeddedRedis, free_port

_RESTART_MAX_DELAY = 30.0


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started: float = field(default=0.0)

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL)
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def worker_argv(settings: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.entry",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        str(settings.worker_concurrency),
        "--queues",
        "stancewire",
        "--hostname",
        f"stancewire-{secrets.token_hex(3)}@%h",
        "--without-gossip",
        "--without-mingle",
    ]


def api_argv(settings: Settings, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{settings.host}:{port}",
        "--workers",
        "2",
        "--worker-class",
        "gthread",
        "--threads",
        "16",
        "--timeout",
        "60",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-",
        "service.wsgi:app",
    ]


def _wait_http(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:  # noqa: S310 (loopback only)
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def run(settings: Settings | None = None) -> int:
    """Start everything and supervise it until interrupted."""
    settings = settings or Settings.load()
    if not settings.api_keys and settings.host not in ("127.0.0.1", "localhost", "::1"):
        print("refusing to listen beyond loopback without API keys (set STANCEWIRE_API_KEYS)", file=sys.stderr)
        return 2
    port = settings.port or free_port()
    redis: EmbeddedRedis | None = None
    redis_url = settings.redis_url
    if not redis_url:
        redis = EmbeddedRedis(settings.data_dir / "redis").start()
        redis_url = redis.url
        print(f"embedded Redis on {redis_url} (AOF in {settings.data_dir / 'redis'})", flush=True)
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
    children = [Child("worker", worker_argv(settings), env), Child("api", api_argv(settings, port), env)]
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    for child in children:
        child.start()
    base = f"http://{settings.host}:{port}"
    if _wait_http(f"{base}/healthz", 60):
        if not settings.api_keys:
            print("no API keys configured: open access, bound to 127.0.0.1 only", flush=True)
        print(f"Stancewire is up: {base}  (docs {base}/docs, readiness {base}/readyz; Ctrl-C stops)", flush=True)
    try:
        while not stopping:
            now = time.monotonic()
            for child in children:
                if child.alive():
                    continue
                if child.proc is not None:
                    # Exponential backoff; a child that ran a while starts from scratch.
                    child.restarts = 0 if now - child.started > 60 else child.restarts + 1
                    delay = min(_RESTART_MAX_DELAY, 0.5 * 2**child.restarts)
                    print(
                        f"{child.name} exited with {child.proc.returncode}; restarting in {delay:.1f}s",
                        file=sys.stderr,
                        flush=True,
                    )
                    child.proc, child.next_start = None, now + delay
                elif now >= child.next_start:
                    child.start()
            if redis is not None and redis.proc is not None and redis.proc.poll() is not None:
                print("embedded Redis exited; restarting it", file=sys.stderr, flush=True)
                redis.start()
            time.sleep(0.2)
    finally:
        print("stopping...", flush=True)
        for child in reversed(children):
            child.stop()
        if redis is not None:
            redis.stop()
    return 0
