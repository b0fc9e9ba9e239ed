"""hdslint's accuracy on code nobody here wrote: what it reports on each repository of a corpus.

Each subfolder of CORPUS is one checked-out repository. hdslint scans each one as a user would
(`python -m hdslint scan REPO -f json=...`, in a fresh process, no cache, `--fail-on none`, so
that the exit code only says 0 ok, 2 input error, 3 internal error) and this script tabulates,
per repository and in total: the exit code, internal errors (exit 3, a traceback or a timeout),
input errors, data stores and the share of them whose region resolved, findings by status and
by policy, and repeated findings.

    python bench/accuracy.py CORPUS                        # the Markdown tables
    python bench/accuracy.py CORPUS --json accuracy.json   # and every figure, for machines
    python bench/accuracy.py CORPUS --prepare-from MIRRORS # first check out the corpus

`--prepare-from MIRRORS` checks out the repositories, commits and folders listed in
bench/accuracy-corpus.txt (`--manifest`) from clones in MIRRORS/OWNER+NAME into
CORPUS/OWNER+NAME, keeping only the files hdslint reads. Nothing here uses the network.

A finding is repeated when another finding has the same policy, resource, location (file
and line) and message, or the same policy, location and message on another resource: both are
noise a user reads twice.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "accuracy-corpus.txt"

# What a checkout keeps: the files hdslint reads (Terraform, plan JSON, manifests in YAML or
# JSON) and the templates Terraform's file functions may read. Everything else (Go, docs,
# images) only costs disk.
KEPT_SUFFIXES = (
    ".tf",
    ".tf.json",
    ".tfvars",
    ".tfvars.json",
    ".tofu",
    ".hcl",
    ".json",
    ".yaml",
    ".yml",
    ".tpl",
    ".tftpl",
)

STATUSES = ("fail", "not_evaluated")
INTERNAL_ERROR = re.compile(r"^hdslint: internal error: (.*?)(?:\. This is a bug;.*)?$", re.M)
FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>.+)$', re.M)


# -- the corpus -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusEntry:
    repo: str  # owner/name
    commit: str
    folders: tuple[str, ...]  # "." is the whole repository

    @property
    def folder_name(self) -> str:
        return self.repo.replace("/", "+")


def read_manifest(path: Path) -> list[CorpusEntry]:
    entries = []
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or "/" not in parts[0] or not re.fullmatch(r"[0-9a-f]{40}", parts[1]):
            sys.exit(f"{path}:{number}: expected 'owner/name commit folder[,folder...]'")
        entries.append(CorpusEntry(parts[0], parts[1], tuple(parts[2].split(","))))
    return entries


def git_dir(mirrors: Path, entry: CorpusEntry) -> Path:
    """The clone of entry under mirrors: a bare copy (OWNER+NAME/repo, as the fetch tool of
    this project's sessions leaves it) or an ordinary clone (OWNER+NAME/.git)."""
    base = mirrors / entry.folder_name
    for candidate in (base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    sys.exit(f"no clone of {entry.repo} in {base} (git clone https://github.com/{entry.repo})")


def kept(name: str) -> bool:
    return name.endswith(KEPT_SUFFIXES)


def prepare(entries: Sequence[CorpusEntry], mirrors: Path, corpus: Path) -> None:
    """Check out each entry's folders at its commit into corpus/OWNER+NAME, afresh."""
    corpus.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        target = corpus / entry.folder_name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        git = ["git", "--git-dir", str(git_dir(mirrors, entry))]
        folders = [] if entry.folders == (".",) else list(entry.folders)
        listing = subprocess.run(
            [*git, "ls-tree", "-r", "-z", entry.commit, "--", *folders],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8", "surrogateescape")
        wanted: list[tuple[str, str]] = []  # (object, path)
        for record in filter(None, listing.split("\0")):
            meta, path = record.split("\t", 1)
            mode, _kind, obj = meta.split()
            # Regular files only: a symlink in a public repository could point anywhere.
            if mode in ("100644", "100755") and kept(path) and ".." not in path.split("/"):
                wanted.append((obj, path))
        missing = _write_blobs(git, wanted, target)
        note = f" ({missing} absent from the clone)" if missing else ""
        print(f"{entry.folder_name}: {len(wanted) - missing} files{note}", file=sys.stderr)


def _write_blobs(git: list[str], wanted: Sequence[tuple[str, str]], target: Path) -> int:
    """Write each blob to target/path with one `git cat-file --batch`; how many were absent
    (a partial clone may lack some)."""
    request = "".join(f"{obj}\n" for obj, _path in wanted).encode()
    out = subprocess.run(
        [*git, "cat-file", "--batch"], input=request, capture_output=True, check=True
    ).stdout
    at, missing = 0, 0
    for _obj, path in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if header[-1] == b"missing":
            missing += 1
            continue
        size = int(header[2])
        file = target / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(out[at : at + size])
        at += size + 1  # the blob, then a newline
    return missing


# -- one repository -------------------------------------------------------------------------


@dataclass
class RepoResult:
    name: str
    exit_code: int | None  # None: stopped at the timeout
    seconds: float
    internal_errors: int
    internal_error: str = ""  # the exception and its innermost hdslint frame
    input_errors: int = 0
    input_error_messages: list[str] = field(default_factory=list)  # FILE:LINE: message
    files: int = 0
    resources: int = 0
    data_stores: int = 0
    located: int = 0
    findings: dict[str, dict[str, int]] = field(default_factory=dict)  # policy -> status -> n
    repeated: int = 0
    report: bool = False  # whether the scan wrote its JSON report

    @property
    def by_status(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for statuses in self.findings.values():
            counts.update(statuses)
        return counts


def repeated(findings: Iterable[dict[str, Any]]) -> int:
    """Findings a user reads twice: every copy beyond the first of the same policy, resource,
    location and message, and every resource beyond the first with the same policy, location
    and message. (A module evaluated from several roots gives a finding per root, each
    naming its root in its message: those read differently and are not repeats.)"""
    same_resource: Counter[tuple[object, ...]] = Counter()
    same_message: dict[tuple[object, ...], set[object]] = {}
    for f in findings:
        where = (f["location"]["file"], f["location"]["line"])
        same_resource[(f["policy_id"], f["resource"]["id"], *where, f["message"])] += 1
        key = (f["policy_id"], *where, f["message"])
        same_message.setdefault(key, set()).add(f["resource"]["id"])
    return sum(n - 1 for n in same_resource.values()) + sum(
        len(ids) - 1 for ids in same_message.values()
    )


def internal_error_of(stderr: str) -> str:
    """The exception hdslint reported, with the innermost frame of hdslint's own code."""
    said = INTERNAL_ERROR.findall(stderr)
    if not said:
        return ""
    frames = [m for m in FRAME.finditer(stderr) if "/hdslint/" in m["file"]]
    if not frames:
        return said[-1]
    last = frames[-1]
    module = last["file"][last["file"].rindex("/hdslint/") + 1 :]
    return f"{said[-1]} (at {module}:{last['line']} in {last['function']})"


def measure(repo: Path, *, timeout: float, jobs: int, work: Path) -> RepoResult:
    report = work / f"{repo.name}.json"
    report.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "hdslint", "--debug", "scan", repo.name, "--no-cache"]
    argv += ["--no-color", "--fail-on", "none", "--jobs", str(jobs), "-f", f"json={report}"]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            argv,
            cwd=repo.parent,  # findings name files as REPO/path
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
        try:
            code: int | None = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    seconds = time.perf_counter() - start
    crashed = code == 3 or "Traceback (most recent call last)" in stderr
    result = RepoResult(
        name=repo.name,
        exit_code=code,
        seconds=seconds,
        internal_errors=int(crashed or code is None),
        internal_error=internal_error_of(stderr) if crashed else "",
    )
    if code is None:
        result.internal_error = f"no result after {timeout:.0f} s"
    if report.is_file():
        document = json.loads(report.read_text("utf-8"))
        summary = document["summary"]
        result.report = True
        result.input_errors = len(document["errors"])
        result.input_error_messages = [
            f"{e['file']}:{e['line'] or ''}: {e['message']}" for e in document["errors"]
        ]
        result.files = summary["files"]
        result.resources = summary["resources"]
        result.data_stores = summary["data_stores"]
        result.located = summary["located_data_stores"]
        for finding in document["findings"]:
            statuses = result.findings.setdefault(finding["policy_id"], {})
            statuses[finding["status"]] = statuses.get(finding["status"], 0) + 1
        result.repeated = repeated(document["findings"])
    return result


def repositories(corpus: Path) -> list[Path]:
    return sorted((p for p in corpus.iterdir() if p.is_dir()), key=lambda p: p.name.lower())


# -- the tables -----------------------------------------------------------------------------


def _share(located: int, stores: int) -> str:
    return f"{located / stores:.0%}" if stores else "—"


def _exit(result: RepoResult) -> str:
    return "timeout" if result.exit_code is None else str(result.exit_code)


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def summary_table(results: Sequence[RepoResult]) -> list[str]:
    head = [
        "repository",
        "exit",
        "internal errors",
        "input errors",
        "files",
        "resources",
        "data stores",
        "located",
        "fail",
        "not evaluated",
        "repeated",
    ]
    lines = [_row(head), _row(["---", *["---:"] * (len(head) - 1)])]

    def cells(r: RepoResult) -> list[object]:
        if not r.report:
            return [r.internal_errors, *["—"] * 8]
        status = r.by_status
        return [
            r.internal_errors,
            r.input_errors,
            r.files,
            r.resources,
            r.data_stores,
            _share(r.located, r.data_stores),
            status["fail"],
            status["not_evaluated"],
            r.repeated,
        ]

    for r in results:
        lines.append(_row([r.name, _exit(r), *cells(r)]))
    done = [r for r in results if r.report]
    status: Counter[str] = Counter()
    for r in done:
        status.update(r.by_status)
    stores = sum(r.data_stores for r in done)
    nonzero = sum(1 for r in results if r.exit_code != 0)
    lines.append(
        _row(
            [
                f"**total ({len(results)})**",
                f"{nonzero} non-zero",
                sum(r.internal_errors for r in results),
                sum(r.input_errors for r in done),
                sum(r.files for r in done),
                sum(r.resources for r in done),
                stores,
                _share(sum(r.located for r in done), stores),
                status["fail"],
                status["not_evaluated"],
                sum(r.repeated for r in done),
            ]
        )
    )
    return lines


def policy_table(results: Sequence[RepoResult]) -> list[str]:
    """Findings by policy (columns) and status: `fail / not evaluated` in each cell."""
    policies = sorted({p for r in results for p in r.findings})
    if not policies:
        return ["(no findings)"]
    lines = [_row(["repository", *policies]), _row(["---", *["---:"] * len(policies)])]
    totals = {p: Counter[str]() for p in policies}

    def cell(statuses: dict[str, int] | Counter[str]) -> str:
        return " / ".join(str(statuses.get(s, 0)) for s in STATUSES)

    for r in results:
        if not r.report:
            lines.append(_row([r.name, *["—"] * len(policies)]))
            continue
        for p in policies:
            totals[p].update(r.findings.get(p, {}))
        lines.append(_row([r.name, *(cell(r.findings.get(p, {})) for p in policies)]))
    lines.append(_row(["**total**", *(cell(totals[p]) for p in policies)]))
    return lines


def markdown(results: Sequence[RepoResult]) -> str:
    lines = summary_table(results)
    lines += ["", "Findings by policy: fail / not evaluated.", "", *policy_table(results)]
    crashed = [r for r in results if r.internal_errors]
    if crashed:
        lines += ["", "Internal errors:", ""]
        lines += [f"- {r.name}: {r.internal_error or 'exit ' + _exit(r)}" for r in crashed]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder with one checked-out repository each")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds per repository (then: timeout)"
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="hdslint's --jobs (default 1: one process)"
    )
    parser.add_argument("--only", action="append", help="measure only this repository (repeat)")
    parser.add_argument(
        "--prepare-from",
        type=Path,
        metavar="MIRRORS",
        help="first check out the manifest's repositories from clones in MIRRORS/OWNER+NAME",
    )
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    args = parser.parse_args(argv)

    if args.prepare_from:
        prepare(read_manifest(args.manifest), args.prepare_from, args.corpus)
    results = []
    with tempfile.TemporaryDirectory(prefix="hdslint-accuracy-") as tmp:
        for repo in repositories(args.corpus):
            if args.only and repo.name not in args.only:
                continue
            result = measure(repo, timeout=args.timeout, jobs=args.jobs, work=Path(tmp))
            print(
                f"{repo.name}: exit {_exit(result)} in {result.seconds:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            results.append(result)
    sys.stdout.write(markdown(results))
    if args.json:
        args.json.write_text(
            json.dumps({"repositories": [asdict(r) for r in results]}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
