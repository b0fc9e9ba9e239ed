"""Which HCL parser: speed and failures of each candidate on the same files, in one run.

    python bench/parser_choice.py bench/corpus/real [--v7-python /path/to/venv/bin/python]

Candidates (each parses every `.tf`/`.tfvars` file under the folders, decoded as UTF-8 with a
BOM ignored; the parser is loaded before timing; the best of `--repeat` passes is kept):

- python-hcl2 8.x `hcl2.loads(text)`: the documented entry point (parse + transform + dict);
- python-hcl2 8.x `hcl2.api.parses_to_tree(text)`: the Lark parse alone (with positions);
- hdslint's parse (8.x grammar, positions propagated, converted to hdslint's syntax tree);
- hdslint's fast parse (the same without position propagation: what large scans use);
- python-hcl2 7.x `hcl2.loads(text, with_meta=True)` and its raw `hcl2.parses(text)`, when
  `--v7-python` names an interpreter that has python-hcl2 7 installed (a separate venv: two
  major versions cannot share one).

A failure is any exception. Files that fail with one parser and not another are listed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

RUNNER = textwrap.dedent(
    r"""
    import json, sys, time
    candidates = {}
    import hcl2
    version = getattr(hcl2, "__version__", "?")
    if version.startswith("7."):
        candidates["7.x loads(with_meta=True)"] = lambda t: hcl2.loads(t, with_meta=True)
        candidates["7.x parses (Lark tree)"] = hcl2.parses
    else:
        from hcl2.api import parses_to_tree
        candidates["8.x loads"] = hcl2.loads
        candidates["8.x parses_to_tree"] = parses_to_tree
        try:
            from hdslint.sources.terraform.hcl import parse as hdslint_parse
            candidates["hdslint parse"] = hdslint_parse
            candidates["hdslint parse (fast)"] = lambda t: hdslint_parse(t, fast=True)
        except ImportError:
            pass
    files, repeat = json.load(open(sys.argv[1])), int(sys.argv[2])
    texts = []
    for name in files:
        try:
            texts.append((name, open(name, "rb").read().decode("utf-8-sig")))
        except UnicodeDecodeError:
            pass
    out = {"version": version, "candidates": {}}
    for label, candidate in candidates.items():
        candidate("a = 1\n")
        best, failures = None, []
        for _ in range(repeat):
            failures = []
            start = time.perf_counter()
            for name, text in texts:
                try:
                    candidate(text)
                except Exception:
                    failures.append(name)
            took = time.perf_counter() - start
            best = took if best is None else min(best, took)
        out["candidates"][label] = {"seconds": best, "failures": failures}
        print(f"  {label:<28} {best:7.2f} s  {len(failures)} failures", file=sys.stderr)
    print(json.dumps(out))
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--v7-python", help="a Python with python-hcl2 7.x installed")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()

    files = sorted(
        str(p)
        for folder in args.folders
        for p in folder.rglob("*")
        if p.is_file() and p.name.endswith((".tf", ".tfvars")) and ".terraform" not in p.parts
    )
    size = sum(Path(f).stat().st_size for f in files)
    print(f"{len(files)} files, {size / 1e6:.2f} MB", file=sys.stderr)
    listing = Path(f"/tmp/parser-choice-{time.time_ns()}.json")
    listing.write_text(json.dumps(files))
    results: dict[str, dict[str, object]] = {}
    try:
        for python in [sys.executable, *([args.v7_python] if args.v7_python else [])]:
            proc = subprocess.run(
                [python, "-c", RUNNER, str(listing), str(args.repeat)],
                capture_output=True,
                text=True,
                check=True,
            )
            sys.stderr.write(proc.stderr)
            results.update(json.loads(proc.stdout)["candidates"])
    finally:
        listing.unlink()

    base = results["8.x loads"]["seconds"]
    print(f"\n{len(files)} files, {size / 1e6:.2f} MB")
    print(f"{'parser':<30} {'seconds':>8} {'MB/s':>6} {'vs 8.x loads':>13} {'failures':>9}")
    for label, data in results.items():
        seconds = float(data["seconds"])  # type: ignore[arg-type]
        failures = data["failures"]
        print(
            f"{label:<30} {seconds:8.2f} {size / 1e6 / seconds:6.2f} {seconds / base:13.2f}"
            f" {len(failures):9d}"  # type: ignore[arg-type]
        )
    reference = set(results["8.x loads"]["failures"])  # type: ignore[arg-type]
    for label, data in results.items():
        extra = sorted(set(data["failures"]) - reference)  # type: ignore[arg-type]
        if extra:
            print(f"\nfails with {label} only ({len(extra)}):")
            for name in extra[:20]:
                print(f"  {name}")
            if len(extra) > 20:
                print(f"  ... and {len(extra) - 20} more")
    if args.json:
        args.json.write_text(json.dumps({"files": len(files), "bytes": size, **results}))


if __name__ == "__main__":
    main()
