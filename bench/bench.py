"""hdslint's benchmark: how fast hdslint is next to the parse it cannot avoid, and next to Checkov.

Everything is measured in one run, on the same files, in fresh processes, and reported as
ratios, so a busy machine slows both sides of a ratio alike. Each measurement is repeated
(`--repeat`, interleaved) and the median is reported with its spread.

    python bench/bench.py                       # a generated corpus of 500 files (and 5,000)
    python bench/bench.py ~/src/infra other/    # plus your own folders (copied, never changed)
    python bench/bench.py --json results.json   # every sample, for machines

What is compared, per corpus:

- bare parse: one Python process that parses every Terraform file hdslint reads with
  `hcl2.loads(text)` (python-hcl2's documented entry point: what any tool built on
  python-hcl2 pays), and YAML files with PyYAML's C loader when hdslint reads YAML. The
  same with `hcl2.api.parses_to_tree` (the Lark parse alone, no transform) is shown too.
- hdslint cold: `hdslint scan` with an empty cache (it fills it), with its default process
  pool, and with `--jobs 1` (one process, like the bare parse).
- hdslint after one file changed (the pre-commit case: every other file's parse is
  cached, the report is recomputed) and hdslint warm (nothing changed: every parse is
  cached, evaluation and the report are recomputed).
- Checkov (`checkov -d DIR --framework terraform`), when it is installed (`--checkov`).

Also: `hdslint --version` start-up, a one-file scan, peak memory (the largest process's
maximum resident set size), and growth from 1x to 10x the generated corpus (time per file
should stay within 20%).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is not a package: its scripts run from anywhere)

TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None

# Runs in a fresh interpreter: parse every listed file, report the timings as JSON.
BARE_PARSE = r"""
import json, sys, time
start = time.perf_counter()
mode = sys.argv[1]
import hcl2
from hcl2.api import parses_to_tree
import yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
parse = hcl2.loads if mode == "loads" else parses_to_tree
parse("a = 1\n")
imported = time.perf_counter()
hcl_files, yaml_files = json.load(open(sys.argv[2]))
failures = 0
for name in hcl_files:
    try:
        parse(open(name, "rb").read().decode("utf-8-sig"))
    except Exception:
        failures += 1
for name in yaml_files:
    try:
        list(yaml.load_all(open(name, "rb").read(), Loader=loader))
    except Exception:
        failures += 1
done = time.perf_counter()
print(json.dumps({"start": imported - start, "parse": done - imported, "failures": failures}))
"""


@dataclass
class Sample:
    wall: float
    cpu: float
    max_rss_mib: float
    exit_code: int
    inner: dict[str, float] = field(default_factory=dict)
    # Stopped at --checkov-timeout: `wall` is then a lower bound.
    timed_out: bool = False


@dataclass
class Measure:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str = "wall") -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def spread(self) -> float:
        """(max - min) / median of wall times: how noisy the machine was."""
        walls = [s.wall for s in self.samples]
        mid = statistics.median(walls)
        return (max(walls) - min(walls)) / mid if mid else 0.0

    def peak_mib(self) -> float:
        return max(s.max_rss_mib for s in self.samples)


def run(argv: Sequence[str], env: dict[str, str], *, timeout: float | None = None) -> Sample:
    """Run a process to completion (or kill it at `timeout`); its wall time, CPU time (with
    its children's) and the largest resident set size among it and its children."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        # The peak memory comes from GNU time when it is there: a process's maximum resident
        # set size starts at its parent's size when it is forked, so this script's own memory
        # would otherwise count in every measurement.
        prefix = [TIME, "-f", "%M", "-o", peak.name] if TIME else []
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*prefix, *argv], env=env, stdout=out, stderr=err, start_new_session=True
        )
        fired: list[bool] = []

        def stop() -> None:
            fired.append(True)
            os.killpg(proc.pid, signal.SIGKILL)

        killer = threading.Timer(timeout, stop) if timeout else None
        if killer is not None:
            killer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if killer is not None:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read(4096).decode("utf-8", "replace")  # reports can be huge (Checkov's)
        # GNU time writes "Command exited with non-zero status N" first, then the figure.
        last = (peak.read().strip().splitlines() or [""])[-1]
        peak_kib = int(last) if last.isdigit() else None
        if proc.returncode not in (0, 1, 2) and not fired:
            sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.read().decode()}")
    inner: dict[str, float] = {}
    if text.startswith("{") and '"parse"' in text[:200]:
        inner = json.loads(text)
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mib=(peak_kib if peak_kib is not None else usage.ru_maxrss) / 1024,  # KiB
        exit_code=proc.returncode,
        inner=inner,
        timed_out=bool(fired),
    )


def hdslint_files(corpus: Path) -> tuple[list[str], list[str]]:
    """The Terraform files (and YAML files, if hdslint reads them) hdslint parses in corpus."""
    from hdslint.files import FileAccess
    from hdslint.scan import discover
    from hdslint.sources import FILE_SOURCES
    from hdslint.sources.terraform.loader import module_files

    fs = FileAccess()
    found = discover(fs, [str(corpus)], (), corpus)
    hcl: list[str] = []
    for folder in found.terraform_dirs:
        tf_files, var_files = module_files(fs, folder)
        hcl += [str(p) for p in (*tf_files, *var_files)]
    yaml_files = (
        [str(p) for p in found.files.get("kubernetes", [])]
        if ("kubernetes" in FILE_SOURCES)
        else []
    )
    return hcl, [y for y in yaml_files if y.endswith((".yaml", ".yml"))]


def size_of(files: Sequence[str]) -> int:
    return sum(Path(f).stat().st_size for f in files)


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.hdslint = [sys.executable, "-m", "hdslint"]
        self.results: dict[str, object] = {}

    def env(self, cache: Path | None) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("HDSLINT_NO_CACHE", None)
        if cache is None:
            env["HDSLINT_NO_CACHE"] = "1"
        else:
            env["HDSLINT_CACHE_DIR"] = str(cache)
        return env

    def scan(self, corpus: Path, *extra: str) -> list[str]:
        return [*self.hdslint, "scan", str(corpus), "--format", "json", "--no-color", *extra]

    # -- one corpus ---------------------------------------------------------------------

    def corpus(self, name: str, corpus: Path) -> dict[str, object]:
        hcl, yaml_files = hdslint_files(corpus)
        listing = self.work / f"{name}.files.json"
        listing.write_text(json.dumps([hcl, yaml_files]))
        print(
            f"\n== {name}: {len(hcl)} Terraform files ({size_of(hcl) / 1e6:.2f} MB)"
            + (f", {len(yaml_files)} YAML files" if yaml_files else ""),
            flush=True,
        )
        if not any(f.endswith(".tf") for f in hcl):
            print("   no .tf file here: nothing to measure", flush=True)
            return {"files": 0}
        changed = self._changed_file(hcl)
        measures = {
            key: Measure(key)
            for key in (
                "bare_loads",
                "bare_tree",
                "cold",
                "cold_j1",
                "one_changed",
                "warm",
                "checkov",
            )
        }
        steps: list[tuple[str, Callable[[], Sample]]] = [
            (
                "bare_loads",
                lambda: run(
                    [sys.executable, "-c", BARE_PARSE, "loads", str(listing)], self.env(None)
                ),
            ),
            (
                "bare_tree",
                lambda: run(
                    [sys.executable, "-c", BARE_PARSE, "tree", str(listing)], self.env(None)
                ),
            ),
            ("cold", lambda: self._cold(corpus, ())),
            ("cold_j1", lambda: self._cold(corpus, ("--jobs", "1"))),
            ("one_changed", lambda: self._one_changed(corpus, changed)),
            ("warm", lambda: self._warm(corpus)),
        ]
        if self.args.checkov:
            steps.append(
                (
                    "checkov",
                    lambda: run(
                        [
                            self.args.checkov,
                            "-d",
                            str(corpus),
                            "--framework",
                            "terraform",
                            "--quiet",
                            "--compact",
                            "-o",
                            "json",
                            "--skip-download",
                        ],
                        self.env(None),
                        timeout=self.args.checkov_timeout,
                    ),
                )
            )
        for round_ in range(self.args.repeat):
            for key, step in steps:
                if key == "checkov" and round_ >= self.args.checkov_repeat:
                    continue
                sample = step()
                measures[key].samples.append(sample)
                stopped = "  (stopped: timeout)" if sample.timed_out else ""
                print(
                    f"  {key:<12} {sample.wall:7.2f} s  cpu {sample.cpu:7.2f} s"
                    f"  {sample.max_rss_mib:6.0f} MiB{stopped}",
                    flush=True,
                )
        located = self._located(corpus)
        print(
            f"  data stores located: {located['located_data_stores']} of"
            f" {located['data_stores']}, input errors: {located['errors']}",
            flush=True,
        )
        return {
            "files": len(hcl),
            "yaml_files": len(yaml_files),
            "bytes": size_of(hcl) + size_of(yaml_files),
            "measures": {k: m for k, m in measures.items() if m.samples},
            "located": located,
        }

    def _located(self, corpus: Path) -> dict[str, int]:
        """Not timed: how many data stores hdslint could place (provider and region known),
        and how many files it could not read, from the JSON report's summary."""
        report = self.work / f"located-{corpus.name}.json"
        run(
            [*self.scan(corpus, "--no-cache", "--fail-on", "none"), "-o", str(report)],
            self.env(None),
        )
        summary = json.loads(report.read_text("utf-8"))["summary"]
        return {k: int(summary[k]) for k in ("data_stores", "located_data_stores", "errors")}

    def _cold(self, corpus: Path, extra: Sequence[str]) -> Sample:
        cache = self.work / "cache-cold"
        shutil.rmtree(cache, ignore_errors=True)
        return run(self.scan(corpus, *extra), self.env(cache))

    def _warm_cache(self, corpus: Path) -> Path:
        cache = self.work / f"cache-warm-{corpus.name}"
        if not cache.exists():
            run(self.scan(corpus), self.env(cache))
        return cache

    def _one_changed(self, corpus: Path, changed: Path) -> Sample:
        cache = self._warm_cache(corpus)
        run(self.scan(corpus), self.env(cache))  # everything cached
        with changed.open("a", encoding="utf-8") as handle:
            handle.write(f"# edited {time.time()}\n")
        return run(self.scan(corpus), self.env(cache))

    def _warm(self, corpus: Path) -> Sample:
        cache = self._warm_cache(corpus)
        run(self.scan(corpus), self.env(cache))  # settle: the previous step changed a file
        return run(self.scan(corpus), self.env(cache))

    @staticmethod
    def _changed_file(hcl: Sequence[str]) -> Path:
        tf = sorted(f for f in hcl if f.endswith(".tf"))
        return Path(tf[len(tf) // 2])

    # -- start-up, one file, growth -------------------------------------------------------

    def startup(self) -> dict[str, Measure]:
        print("\n== start-up", flush=True)
        version = Measure("hdslint --version")
        for _ in range(max(5, self.args.repeat)):
            version.samples.append(run([*self.hdslint, "--version"], self.env(None)))
        out = {"version": version}
        if self.args.checkov:
            checkov = Measure("checkov --version")
            for _ in range(self.args.checkov_repeat):
                checkov.samples.append(run([self.args.checkov, "--version"], self.env(None)))
            out["checkov_version"] = checkov
        for measure in out.values():
            print(f"  {measure.name:<20} {measure.median():.3f} s", flush=True)
        return out

    def one_file(self, corpus: Path) -> dict[str, Measure]:
        """A pre-commit run on one changed module: cold (empty cache) and warm."""
        print("\n== one-file scan (pre-commit)", flush=True)
        target = next(corpus.rglob("envs/prod/main.tf"))
        cold, warm = Measure("one file, cold"), Measure("one file, warm")
        cache = self.work / "cache-one"
        for _ in range(max(3, self.args.repeat)):
            shutil.rmtree(cache, ignore_errors=True)
            argv = [*self.hdslint, "scan", str(target), "--format", "json"]
            cold.samples.append(run(argv, self.env(cache)))
            warm.samples.append(run(argv, self.env(cache)))
        for measure in (cold, warm):
            print(f"  {measure.name:<20} {measure.median():.3f} s", flush=True)
        return {"cold": cold, "warm": warm}

    def growth(self, small: Path, large: Path) -> dict[str, object]:
        """Cold scans of one unit, 1x and 10x the generated corpus. Linear growth means the
        same cost per added file from one unit to 1x as from 1x to 10x (a scan's fixed
        cost, start-up, registry and policies, only shows in the raw time per file)."""
        print("\n== growth", flush=True)
        unit = self.work / "generated-unit"
        generate.generate(unit, generate.FILES_PER_UNIT)
        out: dict[str, object] = {}
        for label, corpus in (("unit", unit), ("1x", small), (f"{self.args.growth}x", large)):
            hcl, _yaml = hdslint_files(corpus)
            cold, cold_j1 = Measure(f"{label} cold"), Measure(f"{label} cold --jobs 1")
            for _ in range(self.args.repeat):
                cold.samples.append(run(self.scan(corpus, "--no-cache"), self.env(None)))
                cold_j1.samples.append(
                    run(self.scan(corpus, "--no-cache", "--jobs", "1"), self.env(None))
                )
            out[label] = {"files": len(hcl), "cold": cold, "cold_j1": cold_j1}
            print(
                f"  {label:<4} {len(hcl):6d} files  cold {cold.median():7.2f} s"
                f" ({cold.median() / len(hcl) * 1000:.2f} ms/file)  --jobs 1"
                f" {cold_j1.median():7.2f} s ({cold_j1.median() / len(hcl) * 1000:.2f} ms/file)"
                f"  peak {cold_j1.peak_mib():.0f} MiB",
                flush=True,
            )
        return out


# -- report ---------------------------------------------------------------------------------


def _ratio(a: Measure, b: Measure) -> float:
    return a.median() / b.median()


LABELS = {
    "bare_loads": "bare parse: hcl2.loads",
    "bare_tree": "bare parse: parses_to_tree",
    "cold": "hdslint cold (empty cache)",
    "cold_j1": "hdslint cold --jobs 1",
    "one_changed": "hdslint, one file changed",
    "warm": "hdslint warm (nothing changed)",
    "checkov": "checkov --framework terraform",
}

# (label, numerator, denominator, format, target)
RATIOS = [
    ("cold / bare parse (hcl2.loads)", "cold", "bare_loads", ".2f", "<= 1.15"),
    ("cold --jobs 1 / bare parse", "cold_j1", "bare_loads", ".2f", ""),
    ("cold / parses_to_tree alone", "cold", "bare_tree", ".2f", ""),
    ("warm / cold", "warm", "cold", ".3f", "<= 0.05"),
    ("one file changed / cold", "one_changed", "cold", ".3f", ""),
    ("checkov / cold", "checkov", "cold", ".1f", ">= 5"),
]


def report(results: dict[str, Any]) -> str:
    lines = []
    for name, data in results["corpora"].items():
        m = data["measures"]
        lines.append(f"\n{name}: {data['files']} Terraform files, {data['bytes'] / 1e6:.2f} MB")
        lines.append(f"  {'run':<34} {'wall (median)':>14} {'spread':>7} {'cpu':>8} {'peak':>9}")
        for key, label in LABELS.items():
            if key in m:
                x = m[key]
                lines.append(
                    f"  {label:<34} {x.median():>12.2f} s {x.spread():>6.0%} "
                    f"{x.median('cpu'):>7.2f}s {x.peak_mib():>6.0f} MiB"
                )
        if data.get("located"):
            loc = data["located"]
            share = loc["located_data_stores"] / loc["data_stores"] if loc["data_stores"] else 1
            lines.append(
                f"  data stores whose region resolves: {loc['located_data_stores']} of"
                f" {loc['data_stores']} ({share:.0%}); files that could not be read:"
                f" {loc['errors']}"
            )
        lines.append("  ratios of medians:")
        for label, top, bottom, fmt, target in RATIOS:
            if top in m and bottom in m:
                value = format(_ratio(m[top], m[bottom]), fmt)
                if any(sample.timed_out for sample in m[top].samples):
                    value = ">" + value  # Checkov was stopped: a lower bound
                lines.append(f"    {label:<34} {value:>6}   {'target ' + target if target else ''}")
    if results.get("startup"):
        lines.append("\nstart-up (target for hdslint --version: <= 0.3 s)")
        for measure in results["startup"].values():
            lines.append(f"  {measure.name:<22} {measure.median():.3f} s")
    if results.get("one_file"):
        lines.append("\none-file scan (pre-commit)")
        for measure in results["one_file"].values():
            lines.append(f"  {measure.name:<22} {measure.median():.3f} s")
    if results.get("growth"):
        lines += _growth_lines(results["growth"])
    return "\n".join(lines)


def _growth_lines(growth: dict[str, Any]) -> list[str]:
    lines = ["\ngrowth (cold, no cache)"]
    rows = list(growth.items())
    for label, row in rows:
        per = row["cold"].median() / row["files"] * 1000
        per_j1 = row["cold_j1"].median() / row["files"] * 1000
        lines.append(
            f"  {label:<4} {row['files']:6d} files  {row['cold'].median():6.2f} s"
            f" ({per:5.2f} ms/file)   --jobs 1: {row['cold_j1'].median():6.2f} s"
            f" ({per_j1:5.2f} ms/file), peak {row['cold_j1'].peak_mib():.0f} MiB"
        )
    (_lu, unit), (_l1, small), (factor, large) = rows
    if not unit["files"] < small["files"] < large["files"]:
        lines.append("  (the corpus is too small to compare costs per added file: use --files)")
        return lines
    for key in ("cold", "cold_j1"):
        per_small = small[key].median() / small["files"]
        per_large = large[key].median() / large["files"]
        first = (small[key].median() - unit[key].median()) / (small["files"] - unit["files"])
        second = (large[key].median() - small[key].median()) / (large["files"] - small["files"])
        lines.append(
            f"  {key}: time per file {factor} / 1x {per_large / per_small:.2f} (the fixed cost"
            f" spreads); per added file {first * 1000:.2f} ms (unit to 1x) and"
            f" {second * 1000:.2f} ms (1x to {factor}): {second / first:.2f}   target 0.8-1.2"
        )
    lines.append(
        f"  peak memory at {large['files']} files (--jobs 1):"
        f" {large['cold_j1'].peak_mib():.0f} MiB   target <= 300 MiB"
    )
    return lines


def to_json(value: object) -> object:
    if isinstance(value, Measure):
        return {
            "median_wall": value.median(),
            "median_cpu": value.median("cpu"),
            "spread": value.spread(),
            "peak_mib": value.peak_mib(),
            "samples": [asdict(s) for s in value.samples],
        }
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def machine() -> dict[str, object]:
    import platform

    from hdslint import __version__

    try:
        import hcl2

        hcl2_version = getattr(hcl2, "__version__", "?")
    except ImportError:
        hcl2_version = "not installed"
    return {
        "hdslint": __version__,
        "python-hcl2": hcl2_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
    }


def compile_hdslint() -> None:
    """Compile hdslint's bytecode first, as `pip install` does: otherwise, in an editable
    install with PYTHONDONTWRITEBYTECODE set, every run would compile hdslint again."""
    import hdslint

    folder = Path(hdslint.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="your own corpora (copied first)")
    parser.add_argument("--files", type=int, default=500, help="size of the generated corpus")
    parser.add_argument("--growth", type=int, default=10, help="growth factor (0: skip)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-generated", action="store_true", help="only the given folders")
    parser.add_argument(
        "--checkov",
        default=shutil.which("checkov"),
        help="the checkov executable (default: checkov on PATH)",
    )
    parser.add_argument(
        "--checkov-repeat", type=int, default=1, help="Checkov runs per corpus (it is slow)"
    )
    parser.add_argument(
        "--checkov-timeout",
        type=float,
        default=1800,
        help="stop Checkov after this many seconds (its time is then a lower bound)",
    )
    parser.add_argument("--json", type=Path, help="write every sample to this file")
    parser.add_argument(
        "--work",
        type=Path,
        default=HERE / "corpus",
        help="where corpora are generated and copied (git-ignored)",
    )
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    compile_hdslint()
    results: dict[str, object] = {"machine": machine(), "corpora": {}}
    with tempfile.TemporaryDirectory(dir=args.work, prefix="run-") as tmp:
        work = Path(tmp)
        bench = Bench(args, work)
        corpora: dict[str, Path] = {}
        generated = work / f"generated-{args.files}"
        if not args.no_generated or args.growth:
            count = generate.generate(generated, args.files)
            print(f"generated {count} files in {generated}")
        if not args.no_generated:
            corpora[f"generated-{args.files}"] = generated
        for folder in args.folders:
            copy = work / f"copy-{folder.resolve().name}"
            shutil.copytree(folder, copy, symlinks=True, ignore=shutil.ignore_patterns(".git"))
            corpora[folder.resolve().name] = copy
        for name, corpus in corpora.items():
            results["corpora"][name] = bench.corpus(name, corpus)  # type: ignore[index]
        results["startup"] = bench.startup()
        if generated.exists():
            results["one_file"] = bench.one_file(generated)
        if args.growth:
            large = work / f"generated-{args.files * args.growth}"
            generate.generate(large, args.files * args.growth)
            results["growth"] = bench.growth(generated, large)
    results["machine"]["load_average_after"] = os.getloadavg()  # type: ignore[index]
    text = report(results)
    print("\n" + "=" * 78 + text)
    if args.json:
        args.json.write_text(json.dumps(to_json(results), indent=2))
        print(f"\nsamples written to {args.json}")


if __name__ == "__main__":
    main()
