"""Draw a reproducible sample of hdslint's findings on a corpus, for judging by hand.

Each subfolder of CORPUS is one checked-out repository (see bench/accuracy.py and
bench/accuracy-corpus.txt). hdslint scans each one as bench/accuracy.py does (a fresh
process, no cache, `--fail-on none`, JSON report) unless `--reports DIR` already holds the
reports (`DIR/OWNER+NAME.json`, written by an earlier `--keep-reports DIR`).

The sample is stratified by repository so that no repository dominates it: each repository's
findings are shuffled with a generator seeded by `SEED:repository:status`, then repositories
(sorted by name) give one finding each in turn until the sample is full; a repository with few
findings gives all of them. Failures (status fail, HDS-COND-001 included) and not-evaluated
findings are drawn separately.

    python bench/sample_findings.py CORPUS --seed 15 --fail 110 --not-evaluated 30 \\
        --judged bench/judged-sample.csv --out bench/judged-sample.csv

`--judged FILE` carries verdicts over from an earlier sample: a finding with the same
repository, policy, resource, file, line and message keeps its verdict and justification,
so that re-drawing on new code only leaves the new findings to judge (verdict empty).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

FIELDS = (
    "sample",
    "repo",
    "file",
    "line",
    "policy",
    "status",
    "resource",
    "type",
    "region",
    "message",
    "verdict",
    "justification",
)
KEY = ("repo", "policy", "resource", "file", "line", "message")


def scan(repo: Path, report: Path, timeout: float) -> None:
    """Scan one repository as bench/accuracy.py does; findings name files as REPO/path."""
    argv = [sys.executable, "-m", "hdslint", "scan", repo.name, "--no-cache", "--no-color"]
    argv += ["--no-progress", "--fail-on", "none", "--jobs", "1", "-f", f"json={report}"]
    subprocess.run(
        argv,
        cwd=repo.parent,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


def rows_of(repo: str, report: Path) -> list[dict[str, str]]:
    """One row per reported finding (suppressed ones excluded: a user does not read them)."""
    if not report.is_file():
        return []
    document = json.loads(report.read_text("utf-8"))
    rows = []
    for finding in document["findings"]:
        if finding.get("suppression"):
            continue
        resource = finding["resource"]
        location = finding["location"] or {}
        file = location.get("file") or ""
        rows.append(
            {
                "repo": repo,
                "file": file.removeprefix(f"{repo}/"),
                "line": str(location.get("line") or ""),
                "policy": finding["policy_id"],
                "status": finding["status"],
                "resource": resource.get("id") or "",
                "type": resource.get("type") or "",
                "region": resource.get("region") or "",
                "message": " ".join(str(finding.get("message") or "").split()),
            }
        )
    return rows


def stratified(
    by_repo: Mapping[str, list[dict[str, str]]], size: int, seed: int, status: str
) -> list[dict[str, str]]:
    """Round-robin over repositories of each one's seeded shuffle, until `size` are drawn."""
    queues = {}
    for repo in sorted(by_repo):
        rows = sorted(by_repo[repo], key=lambda r: tuple(r[k] for k in KEY))
        random.Random(f"{seed}:{repo}:{status}").shuffle(rows)
        queues[repo] = rows
    drawn: list[dict[str, str]] = []
    while len(drawn) < size and any(queues.values()):
        for repo in sorted(queues):
            if queues[repo] and len(drawn) < size:
                drawn.append(queues[repo].pop(0))
    return drawn


def previous_verdicts(path: Path | None) -> dict[tuple[str, ...], tuple[str, str]]:
    if path is None or not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            tuple(row[k] for k in KEY): (row["verdict"], row["justification"])
            for row in csv.DictReader(handle)
            if row.get("verdict")
        }


def write(path: Path | None, rows: Iterable[dict[str, str]]) -> None:
    handle = path.open("w", newline="", encoding="utf-8") if path else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if path:
            handle.close()


def summary(rows: Sequence[dict[str, str]]) -> str:
    lines = []
    for sample in ("fail", "not_evaluated"):
        part = [r for r in rows if r["sample"] == sample]
        judged = [r for r in part if r["verdict"]]
        counts: dict[str, int] = {}
        for row in judged:
            counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
        verdicts = ", ".join(f"{v} {n}" for v, n in sorted(counts.items()))
        lines.append(
            f"{sample}: {len(part)} drawn from {len({r['repo'] for r in part})} repositories,"
            f" {len(judged)} judged ({verdicts or 'none'}), {len(part) - len(judged)} to judge"
        )
        fp = counts.get("FP", 0)
        if sample == "fail" and judged:
            lines.append(
                f"fail: false positives {fp}/{len(judged)} = {100 * fp / len(judged):.1f} %"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder with one checked-out repository each")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--fail", type=int, default=110, help="failures to draw")
    parser.add_argument("--not-evaluated", type=int, default=30, help="not-evaluated to draw")
    parser.add_argument("--reports", type=Path, help="read reports from DIR instead of scanning")
    parser.add_argument("--keep-reports", type=Path, help="write the scans' reports to DIR")
    parser.add_argument("--judged", type=Path, help="carry verdicts over from this CSV")
    parser.add_argument("--out", type=Path, help="write the sample here (default: stdout)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per repository")
    args = parser.parse_args(argv)

    repos = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith("."))
    judged = previous_verdicts(args.judged)
    by_status: dict[str, dict[str, list[dict[str, str]]]] = {"fail": {}, "not_evaluated": {}}
    with tempfile.TemporaryDirectory(prefix="hdslint-sample-") as tmp:
        reports = args.reports or args.keep_reports or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        for repo in repos:
            report = reports / f"{repo.name}.json"
            if args.reports is None:
                report.unlink(missing_ok=True)
                scan(repo, report, args.timeout)
            for row in rows_of(repo.name, report):
                if row["status"] in by_status:
                    by_status[row["status"]].setdefault(repo.name, []).append(row)
    sample: list[dict[str, Any]] = []
    for status, size in (("fail", args.fail), ("not_evaluated", args.not_evaluated)):
        for row in stratified(by_status[status], size, args.seed, status):
            verdict, why = judged.get(tuple(row[k] for k in KEY), ("", ""))
            sample.append({"sample": status, **row, "verdict": verdict, "justification": why})
    write(args.out, sample)
    total = {s: sum(map(len, r.values())) for s, r in by_status.items()}
    print(
        f"population: {total['fail']} fail, {total['not_evaluated']} not evaluated", file=sys.stderr
    )
    print(summary(sample), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
