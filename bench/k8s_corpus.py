"""Robustness check of the Kubernetes source on a folder of real manifests.

    python bench/k8s_corpus.py FOLDER [--show-errors N]

Reads every file hdslint classifies as Kubernetes, one at a time (so that a crash names its
file), then scans the whole folder once as `hdslint scan FOLDER` would. Prints the number of
files, YAML documents, Kubernetes objects and resources, input errors grouped by kind, and
internal errors (exceptions): the check passes when there are none (exit 0, else 1).
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import traceback
from pathlib import Path

from hdslint.config import Config
from hdslint.files import FileAccess
from hdslint.scan import SKIP_DIRS, ScanOptions, run_scan
from hdslint.sources import classify_file
from hdslint.sources.kubernetes import manifests, scan


def _files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if any(part in SKIP_DIRS for part in path.parts) or not path.is_file():
            continue
        if classify_file(FileAccess(), path) == "kubernetes":
            found.append(path)
    return found


def _error_kind(message: str) -> str:
    # "invalid YAML: mapping values are not allowed..." -> "invalid YAML: mapping values ..."
    return re.sub(r"'[^']*'|\d+", "_", message)[:70]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show-errors", type=int, default=5, metavar="N")
    args = parser.parse_args()
    files = _files(args.folder)
    config = Config(root=args.folder.resolve())
    options = ScanOptions(paths=[str(args.folder)], env={})
    documents = objects = resources = 0
    kinds: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    crashes: list[tuple[Path, str]] = []
    started = time.perf_counter()
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
            docs, _ = manifests.parse(text, str(path), json_file=path.suffix == ".json")
            documents += len(docs)
            objects += len(manifests.objects(docs, str(path))[0])
            result = scan([path], config, options)
        except Exception:
            crashes.append((path, traceback.format_exc(limit=3)))
            continue
        resources += len(result.resources)
        for error in result.errors:
            kind = _error_kind(error.message)
            kinds[kind] += 1
            examples.setdefault(kind, str(error))
    per_file = time.perf_counter() - started
    started = time.perf_counter()
    whole_scan_error = None
    try:
        whole = run_scan(options)
        counts = (len(whole.graph), len(whole.findings), len(whole.errors))
        summary = "{} resources, {} findings, {} errors".format(*counts)
    except Exception:
        whole_scan_error = traceback.format_exc(limit=5)
        summary = "crashed"
    whole_time = time.perf_counter() - started
    print(f"files: {len(files)}  documents: {documents}  objects: {objects}", end="")
    print(f"  resources: {resources}")
    print(f"input errors: {sum(kinds.values())} in {len(kinds)} kinds")
    for kind, count in kinds.most_common(args.show_errors):
        print(f"  {count:5}  {examples[kind]}")
    print(f"internal errors: {len(crashes) + (whole_scan_error is not None)}")
    for path, text in crashes[: args.show_errors]:
        print(f"  {path}\n{text}")
    if whole_scan_error:
        print(whole_scan_error)
    print(f"file by file: {per_file:.1f} s; whole scan: {whole_time:.1f} s ({summary})")
    return 1 if crashes or whole_scan_error else 0


if __name__ == "__main__":
    sys.exit(main())
