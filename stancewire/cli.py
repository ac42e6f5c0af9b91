"""The `stance` command: up, analyze, train, evaluate."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stance", description="Stancewire: stance toward actors in news.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="run Redis, a worker and the API (Ctrl-C stops)")
    an = sub.add_parser("analyze", help="analyse article files through a running service")
    an.add_argument("files", nargs="+", type=Path)
    an.add_argument(
        "--url", default=os.environ.get("STANCEWIRE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    )
    an.add_argument("--api-key", default=os.environ.get("STANCEWIRE_API_KEY"))
    an.add_argument("--language", help="force the language (ISO 639-1)")
    an.add_argument("--json", action="store_true", help="print the raw result")
    sub.add_parser("train", help="train a model (see `stance train -h`)", add_help=False)
    sub.add_parser("evaluate", help="evaluate the current model on a labelled file", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "up":
        from .supervisor import run

        return run()
    if args.command == "analyze":
        from .client import main as analyze

        missing = [str(f) for f in args.files if not f.is_file()]
        if missing:
            print(f"no such file: {', '.join(missing)}", file=sys.stderr)
            return 2
        return analyze(args.url, args.files, args.json, args.api_key, args.language)
    from training import train

    return train.main([args.command, *rest])


if __name__ == "__main__":
    sys.exit(main())
