"""Analyse article files with the core directly (no service) and print actors per paragraph.

python -m bench.analyze_file ../shared/seeds/istanbul-talks-it.txt
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stancewire.analysis import Analyzer
from stancewire.catalog import load_catalog
from stancewire.config import Settings
from stancewire.modelstore import ModelHolder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    settings = Settings.load()
    model, manifest = ModelHolder(settings.models_dir).get()
    analyzer = Analyzer(load_catalog(settings.seeds_dir, settings.actors_file), model)
    for path in args.files:
        text = path.read_text(encoding="utf-8")
        result = analyzer.analyze({"text": text})
        print(f"# {path.name} ({result['language']}, model {manifest['version']})")
        for p in result["paragraphs"]:
            actors = ", ".join(
                f"{a['id']} {a['stance']['label']} {a['stance']['score']:+.2f} "
                f"[{'; '.join(m['text'] for m in a['mentions'])}]"
                for a in p["actors"]
            )
            print(f"¶{p['index'] + 1} ({p['sentiment']['label']}): {actors}")
        print("summary:")
        for a in result["actors"]:
            s = a["stance"]
            print(
                f"  {a['id']:6} {s['label']:8} {s['score']:+.3f}  "
                f"paragraphs {len(a['paragraphs'])}  {s['distribution']}"
            )


if __name__ == "__main__":
    main()
