"""Parse a scan's Terraform files once each: from the parse cache, in a process pool, or here.

Before evaluation, `FileParser.preload` reads every file of the scanned module folders,
takes the unchanged ones from the parse cache (hdslint.cache) and parses the others: in a
pool of processes when there is enough to parse for the pool to pay for itself, else in
this process. The evaluator then gets each file's tree from `FileParser.parse`, which also
serves files outside the scanned folders (modules called from elsewhere), one at a time.

Parsing is CPU-bound Python (Lark), so threads would not help: processes do. Workers are
forked after the parser is built, so they start ready (on platforms without fork, they
build it themselves). Results come back as marshal bytes, which are also what the cache
stores, so a parsed tree is serialised once.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from hdslint import __version__
from hdslint.cache import CacheStore, content_key
from hdslint.files import FileAccess
from hdslint.model import InputError
from hdslint.sources.terraform.hcl import Body
from hdslint.sources.terraform.loader import (
    Parsed,
    parse_bytes,
    parsed_result,
    read_error,
    syntax_of,
)

# Below these, a process pool costs more than it saves. Measured on 2 CPUs, fresh processes,
# parser loading included (docs/performance.md): 64 KB of HCL took 0.21 s in one process
# and 0.25 s with two forked workers; 130 KB 0.37 s and 0.29 s; 260 KB 0.73 s and 0.39 s.
PARALLEL_MIN_BYTES = 128 * 1024
PARALLEL_MIN_FILES = 8

CACHE_NAMESPACE = "terraform"


# Below this many bytes to parse in one process, building the position-free parser
# (grammar.fast_parser) costs more than it saves (measured, parser loading included: 64 KB of
# HCL parsed in 0.21 s with python-hcl2's parser and 0.25 s with the copy; 130 KB in 0.37 s
# and 0.33 s).
FAST_PARSER_MIN_BYTES = 128 * 1024


@dataclass(frozen=True)
class ParseOptions:
    """How a scan parses Terraform files."""

    # Where the parse cache lives; None: no cache (`--no-cache`).
    cache_dir: Path | None = None
    # At most this many processes; 0: as many as there are CPUs; 1: never a pool.
    jobs: int = 0
    # A pool is used only for at least this many bytes to parse (tests set 0 to force it).
    parallel_min_bytes: int = PARALLEL_MIN_BYTES
    # Told (files ready, files to parse) as files are parsed or taken from the cache.
    progress: Callable[[int, int], None] | None = None


@dataclass
class ParseStats:
    """What a FileParser did (for the benchmark and the tests)."""

    from_cache: int = 0
    parsed: int = 0
    parsed_bytes: int = 0
    workers: int = 1
    read_errors: int = 0


class FileParser:
    """Parses each Terraform file of a scan once, through the cache when there is one."""

    def __init__(self, fs: FileAccess, options: ParseOptions | None = None) -> None:
        # Every file is read here, through the scan's file access (confined, recorded);
        # the pool's workers are given bytes, never a path to read.
        self.fs = fs
        self.options = options or ParseOptions()
        self.cache = (
            CacheStore(self.options.cache_dir, CACHE_NAMESPACE, parser_fingerprint())
            if self.options.cache_dir is not None
            else None
        )
        self.stats = ParseStats()
        self._ready: dict[Path, Parsed] = {}
        self._total = 0

    def preload(self, paths: Iterable[Path]) -> None:
        """Parse (or take from the cache) all of `paths` now, in parallel when worth it."""
        todo: list[tuple[Path, str, bytes]] = []
        for path in dict.fromkeys(paths):
            if path in self._ready or self.fs.too_large(path):
                continue  # `parse` reports a file too large when the loader asks for it
            try:
                data = self.fs.read(path)
            except OSError:
                continue  # and one it cannot read
            key = _key(path, data)
            cached = self._cached(key)
            if cached is not None:
                self._ready[path] = cached
            else:
                todo.append((path, key, data))
        if not todo:
            return
        self._total = len(self._ready) + len(todo)
        size = sum(len(data) for _p, _k, data in todo)
        fast = size >= FAST_PARSER_MIN_BYTES
        hcl_todo = [job for job in todo if syntax_of(job[0].name) == "hcl"]
        workers = self._workers(len(hcl_todo), sum(len(job[2]) for job in hcl_todo))
        if workers > 1:
            self._parse_in_pool(hcl_todo, workers)
        for path, key, data in todo:
            if path not in self._ready:
                self._ready[path] = self._parse(key, data, syntax_of(path.name), fast=fast)
                self._report()

    def parse(self, path: Path, display: str) -> tuple[Body | None, InputError | None]:
        """The syntax tree of `path` (a loader.ParseFunction)."""
        parsed = self._ready.pop(path, None)
        if parsed is None:
            problem = self.fs.too_large(path)
            if problem is not None:
                return None, InputError(display, problem)
            try:
                data = self.fs.read(path)
            except OSError as exc:
                self.stats.read_errors += 1
                return None, read_error(exc, display)
            key = _key(path, data)
            parsed = self._cached(key) or self._parse(key, data, syntax_of(path.name), fast=False)
        return parsed_result(parsed, display)

    def finish(self) -> None:
        """End of the scan: prune the cache if it is due (at most once a day)."""
        if self.cache is not None:
            self.cache.maybe_prune()

    # -- internals ------------------------------------------------------------------------

    def _report(self) -> None:
        if self.options.progress is not None:
            self.options.progress(len(self._ready), self._total)

    def _cached(self, key: str) -> Parsed | None:
        if self.cache is None:
            return None
        value = self.cache.get(key)
        if not _is_parsed(value):
            return None
        self.stats.from_cache += 1
        return value

    def _parse(self, key: str, data: bytes, syntax: str, *, fast: bool) -> Parsed:
        parsed = parse_bytes(data, syntax, fast=fast)
        self.stats.parsed += 1
        self.stats.parsed_bytes += len(data)
        if self.cache is not None:
            self.cache.put(key, parsed)
        return parsed

    def _workers(self, files: int, size: int) -> int:
        jobs = self.options.jobs or available_cpus()
        if jobs <= 1 or files < 2:
            return 1
        if size < self.options.parallel_min_bytes:
            return 1
        if self.options.parallel_min_bytes > 0 and files < PARALLEL_MIN_FILES:
            return 1
        return min(jobs, files, available_cpus())  # a config asking for 300 gets the CPUs

    def _parse_in_pool(self, todo: list[tuple[Path, str, bytes]], workers: int) -> None:
        # The process pool and the position-free parser are loaded here, for inputs large
        # enough to use them only (an exception of tests/test_imports.py).
        from hdslint.sources.terraform import pool

        for index, payload in pool.parse_in_pool([data for _, _, data in todo], workers):
            if payload is None:
                self._ready[todo[index][0]] = WORKER_DIED
            else:
                self._store_payload(todo[index], payload)
        self.stats.workers = workers

    def _store_payload(self, job: tuple[Path, str, bytes], payload: bytes) -> None:
        path, key, data = job
        if not payload:
            return  # preload parses it in this process
        self._ready[path] = marshal.loads(payload)
        self.stats.parsed += 1
        self.stats.parsed_bytes += len(data)
        if self.cache is not None:
            self.cache.put_payload(key, payload)
        self._report()


# What a file gets when the worker parsing it (or a file beside it) died: an input error,
# never cached, so the next scan parses it again.
WORKER_DIED: Parsed = (
    "error",
    "not parsed: a parse worker process stopped (killed, or out of memory) before this file"
    " was parsed; it is not checked",
    None,
)


def _key(path: Path, data: bytes) -> str:
    """The cache key of a file: its bytes, and how they are parsed (HCL or JSON)."""
    return content_key(syntax_of(path.name).encode() + b"\0" + data)


def _is_parsed(value: object) -> bool:
    """A cache entry has the shape of a parse result (else it is treated as a miss)."""
    if not isinstance(value, tuple) or not value:
        return False
    if value[0] == "ok":
        return len(value) == 2 and isinstance(value[1], dict)
    return value[0] == "error" and len(value) == 3 and isinstance(value[1], str)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def parser_fingerprint() -> list[bytes]:
    """What decides a file's parse result besides its bytes: hdslint's converter, python-
    hcl2's grammar and lark. Read from the files themselves (no import, no metadata scan:
    both cost more than a warm scan's whole budget), so any change starts a new cache."""
    parts = [__version__.encode()]
    here = Path(__file__).parent
    for name in ("hcl.py", "grammar.py", "loader.py"):
        parts.append(_read(here / name))
    for package, names in (
        ("hcl2", ("version.py", "hcl2.lark", "postlexer.py", "parser.py")),
        ("lark", ("__init__.py",)),
    ):
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or ()) if spec else []
        for name in names:
            parts.append(_read(Path(folders[0]) / name) if folders else b"missing")
    return parts


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"unreadable:" + str(path).encode()
