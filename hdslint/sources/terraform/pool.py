"""Parsing many HCL files in worker processes (parsing.py decides when it is worth it).

Parsing is CPU-bound Python, so threads cannot help; processes can. This module is loaded
only for inputs large enough to use it (parsing.FileParser, an exception of
tests/test_imports.py): a small scan, such as a pre-commit run, never pays for importing
multiprocessing and concurrent.futures.
"""

from __future__ import annotations

import marshal
import multiprocessing
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from hdslint.sources.terraform.grammar import fast_parser
from hdslint.sources.terraform.loader import parse_bytes


def parse_in_pool(files: list[bytes], workers: int) -> Iterator[tuple[int, bytes | None]]:
    """Parse HCL files' bytes in `workers` processes: (index, marshalled result) for each,
    in the order they finish. The payload is empty when the result is not plain data (the
    caller parses that file again, in its own process) and None when the worker parsing
    it died."""
    if sys.platform == "linux":
        # Build the parser first, so forked workers inherit it ready to use.
        fast_parser()
        context = multiprocessing.get_context("fork")
    else:  # macOS and Windows: fork is unsafe or absent; workers build their own
        context = multiprocessing.get_context("spawn")
    # Largest files first, so no worker is left with a big file at the end.
    order = sorted(range(len(files)), key=lambda i: -len(files[i]))
    chunk = max(1, min(8, len(order) // (workers * 8)))
    # A ProcessPoolExecutor, not a multiprocessing.Pool: when a worker dies (killed, out
    # of memory), the Pool replaces it and waits forever for its files; the executor
    # fails what was in flight (BrokenProcessPool), which becomes an error on each file.
    pending: dict[Future[list[tuple[int, bytes]]], list[int]] = {}
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for start in range(0, len(order), chunk):
            batch = order[start : start + chunk]
            pending[pool.submit(_parse_batch, [(i, files[i]) for i in batch])] = batch
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                batch = pending.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    for index in batch:
                        yield index, None
                    continue
                yield from results


def _parse_batch(jobs: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """In a worker process: parse a few HCL files (see `_parse_job`)."""
    return [_parse_job(job) for job in jobs]


def _parse_job(job: tuple[int, bytes]) -> tuple[int, bytes]:
    """In a worker process: parse one HCL file's bytes, return the result marshalled."""
    index, data = job
    try:
        return index, marshal.dumps(parse_bytes(data, "hcl", fast=True))
    except ValueError:  # not plain data (a bug): the parent parses it again, uncached
        return index, b""
