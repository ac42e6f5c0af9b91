"""`stance analyze FILE...`: submit articles, show progress while polling, print the stances."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import requests


def submit_and_wait(
    url: str, files: list[Path], api_key: str | None = None, language: str | None = None, timeout: float = 600
) -> dict[str, Any]:
    """Submit the files as one batch and return the finished job."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    headers = {"X-API-Key": api_key} if api_key else {}
    articles = []
    for f in files:
        article: dict[str, Any] = {"text": f.read_text(encoding="utf-8"), "id": f.name}
        if language:
            article["language"] = language
        articles.append(article)
    resp = requests.post(f"{url}/v1/articles", json={"articles": articles}, headers=headers, timeout=30)
    if resp.status_code != 202:
        raise SystemExit(f"submit failed ({resp.status_code}): {_message(resp)}")
    job_id = resp.json()["job_id"]
    deadline = time.monotonic() + timeout
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=_console(sys.stderr),
    ) as progress:
        task = progress.add_task("analysing paragraphs", total=None)
        while True:
            r = requests.get(f"{url}/v1/jobs/{job_id}", params={"wait": 2}, headers=headers, timeout=40)
            if r.status_code != 200:
                raise SystemExit(f"polling failed ({r.status_code}): {_message(r)}")
            job = r.json()
            progress.update(task, total=job["progress"]["total"], completed=job["progress"]["done"])
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return job
            if time.monotonic() > deadline:
                raise SystemExit(f"job {job_id} did not finish within {timeout:.0f}s")


def _message(resp: requests.Response) -> str:
    try:
        return str(resp.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return resp.text[:200]


def _console(file: Any) -> Any:
    from rich.console import Console

    return Console(file=file)


def print_tables(job: dict[str, Any]) -> None:
    """Print one table per article: actors by paragraph, then the article summary."""
    from rich.table import Table

    console = _console(sys.stdout)
    if job["status"] != "succeeded":
        err = job.get("error") or {}
        console.print(f"[red]job {job['status']}[/red]: {err.get('code', '')} {err.get('message', '')}")
        return
    for article in job["result"]["articles"]:
        paragraphs = article["paragraphs"]
        table = Table(title=f"{article.get('id', '')} ({article['language']}, model {article.get('model_version')})")
        table.add_column("actor")
        for p in paragraphs:
            table.add_column(f"¶{p['index'] + 1}", justify="center")
        table.add_column("article", justify="center")
        colour = {"negative": "red", "neutral": "white", "positive": "green"}
        for actor in article["actors"]:
            cells = []
            for p in paragraphs:
                hit = next((a for a in p["actors"] if a["id"] == actor["id"]), None)
                cells.append(f"[{colour[hit['stance']['label']]}]{hit['stance']['score']:+.2f}[/]" if hit else "·")
            s = actor["stance"]
            cells.append(f"[bold {colour[s['label']]}]{s['label']} {s['score']:+.2f}[/]")
            table.add_row(f"{actor['name']} ({actor['id']})", *cells)
        console.print(table)


def main(url: str, files: list[Path], as_json: bool, api_key: str | None, language: str | None) -> int:
    job = submit_and_wait(url.rstrip("/"), files, api_key, language)
    if as_json:
        print(json.dumps(job.get("result", job), ensure_ascii=False, indent=2))
    else:
        print_tables(job)
    return 0 if job["status"] == "succeeded" else 1
