"""The content-addressed cache store: round trips, damage, versions, concurrency, pruning."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from hdslint import cache
from hdslint.cache import CacheStore, cache_directory, content_key, resolve_directory

VALUE = ("ok", {"attrs": {"a": (("lit", 1), 1, "1")}, "blocks": []})


def store(tmp_path: Path, fingerprint: bytes = b"v1") -> CacheStore:
    return CacheStore(tmp_path / "cache", "terraform", [fingerprint])


def test_a_value_comes_back_as_stored(tmp_path: Path) -> None:
    first = store(tmp_path)
    key = content_key(b"a = 1\n")
    assert first.get(key) is None
    first.put(key, VALUE)
    assert store(tmp_path).get(key) == VALUE
    assert (first.hits, first.misses, first.writes) == (0, 1, 1)


def test_another_version_does_not_see_the_entries(tmp_path: Path) -> None:
    key = content_key(b"a = 1\n")
    store(tmp_path, b"v1").put(key, VALUE)
    other = store(tmp_path, b"v2")
    assert other.folder != store(tmp_path, b"v1").folder
    assert other.get(key) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a write cut short
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # a flipped bit
        lambda data: b"not a cache entry at all",
        lambda data: b"",
        lambda data: cache.MAGIC + b"\0" * cache.DIGEST_SIZE + b"\xff\xfe",  # bad digest
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_rewritten(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    entries = store(tmp_path)
    key = content_key(b"a = 1\n")
    entries.put(key, VALUE)
    path = entries.path(key)
    path.write_bytes(damage(path.read_bytes()))
    assert entries.get(key) is None
    entries.put(key, VALUE)
    assert entries.get(key) == VALUE


def test_an_entry_with_a_valid_digest_but_no_marshal_data_is_a_miss(tmp_path: Path) -> None:
    import hashlib

    entries = store(tmp_path)
    key = content_key(b"x")
    payload = b"\xff not marshal"
    digest = hashlib.blake2b(payload, digest_size=cache.DIGEST_SIZE).digest()
    entries.path(key).parent.mkdir(parents=True)
    entries.path(key).write_bytes(cache.MAGIC + digest + payload)
    assert entries.get(key) is None


def test_values_that_are_not_plain_data_are_not_stored(tmp_path: Path) -> None:
    entries = store(tmp_path)
    entries.put("ab" * 20, ("ok", object()))
    assert entries.get("ab" * 20) is None
    assert entries.writes == 0


def test_a_cache_folder_owned_by_another_user_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cache").mkdir()
    owner = (tmp_path / "cache").stat().st_uid
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    entries = store(tmp_path)
    assert not entries.usable
    entries.put(content_key(b"x"), VALUE)
    assert entries.get(content_key(b"x")) is None
    assert list((tmp_path / "cache").iterdir()) == []


def test_an_unwritable_cache_folder_never_fails(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    entries = store(tmp_path)
    entries.put(content_key(b"x"), VALUE)
    assert entries.get(content_key(b"x")) is None


def _writer(args: tuple[str, int]) -> int:
    folder, worker = args
    entries = CacheStore(Path(folder), "terraform", [b"v1"])
    for i in range(60):
        # every worker writes the same keys (same content) and keys of its own
        entries.put(content_key(f"shared {i}".encode()), ("ok", {"i": i}))
        entries.put(content_key(f"own {worker} {i}".encode()), ("ok", {"w": worker}))
    return entries.writes


def test_concurrent_writers_leave_only_whole_entries(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_writer, [(str(folder), w) for w in range(4)]) == [120] * 4
    entries = CacheStore(folder, "terraform", [b"v1"])
    for i in range(60):
        assert entries.get(content_key(f"shared {i}".encode())) == ("ok", {"i": i})
        for worker in range(4):
            assert entries.get(content_key(f"own {worker} {i}".encode())) == ("ok", {"w": worker})
    names = [p.name for p in folder.rglob("*") if p.is_file()]
    assert len(names) == 60 + 4 * 60
    assert not [n for n in names if n.startswith(cache.TEMP_PREFIX)]


def _age(path: Path, days: float) -> None:
    """Make `path` look `days` old on the file system's clock (its own mtime is on it), so
    the tests hold whatever the process clock says (CI runs them a year ahead too)."""
    then = path.stat().st_mtime - days * 86400
    os.utime(path, (then, then))


def test_prune_removes_unused_entries_then_the_oldest_above_the_size_limit(
    tmp_path: Path,
) -> None:
    entries = store(tmp_path)
    keys = [content_key(str(i).encode()) for i in range(5)]
    for days, key in zip((40, 20, 10, 5, 0), keys, strict=True):
        entries.put(key, ("ok", {"padding": "x" * 1000}))
        _age(entries.path(key), days)
    size = entries.path(keys[0]).stat().st_size
    report = cache.prune(entries.directory, max_age_days=30, max_bytes=3 * size)
    assert (report.removed_files, report.kept_files) == (2, 3)
    assert [entries.path(k).exists() for k in keys] == [False, False, True, True, True]


def test_prune_removes_old_temporary_files_and_never_touches_other_files(
    tmp_path: Path,
) -> None:
    entries = store(tmp_path)
    key = content_key(b"x")
    entries.put(key, VALUE)
    leftover = entries.path(key).parent / (cache.TEMP_PREFIX + "abc")
    leftover.write_bytes(b"half an entry")
    _age(leftover, 1)
    mine = entries.directory / "notes.txt"
    mine.write_text("not the cache's")
    nested = entries.folder / "aa" / "readme"
    nested.parent.mkdir(parents=True, exist_ok=True)
    nested.write_text("not a cache entry name")
    cache.prune(entries.directory)
    assert not leftover.exists()
    assert entries.get(key) == VALUE
    cache.clear(entries.directory)
    assert entries.get(key) is None
    assert mine.read_text() == "not the cache's"
    assert nested.read_text() == "not a cache entry name"


def test_a_scan_prunes_at_most_once_a_day(tmp_path: Path) -> None:
    entries = store(tmp_path)
    entries.put(content_key(b"x"), VALUE)
    assert entries.maybe_prune() is not None
    assert entries.maybe_prune() is None
    stamp = entries.directory / cache.STAMP
    _age(stamp, 2)
    assert entries.maybe_prune() is not None


@pytest.mark.parametrize("skew_days", [365, -365])
def test_a_process_clock_a_year_off_prunes_nothing_fresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skew_days: int
) -> None:
    entries = store(tmp_path)
    key = content_key(b"x")
    entries.put(key, VALUE)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + skew_days * 86400)
    report = entries.maybe_prune()
    assert report is not None
    assert (report.removed_files, report.kept_files) == (0, 1)
    assert entries.maybe_prune() is None  # still once a day, on the file system's clock
    assert cache.prune(entries.directory).removed_files == 0
    assert entries.get(key) == VALUE
    # Only the cache's own files are left: the clock probe is removed.
    assert sorted(p.name for p in entries.directory.iterdir() if p.is_file()) == [cache.STAMP]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HDSLINT_CACHE_DIR": "/x/hd"}, "/x/hd"),
        ({"XDG_CACHE_HOME": "/x/xdg"}, "/x/xdg/hdslint"),
        ({"XDG_CACHE_HOME": "relative/ignored"}, "HOME/.cache/hdslint"),
        ({}, "HOME/.cache/hdslint"),
    ],
)
def test_where_the_cache_lives(env: dict[str, str], expected: str) -> None:
    home = str(Path.home())
    assert str(resolve_directory(None, env)) == expected.replace("HOME", home)


def test_the_configured_folder_comes_after_the_environment(tmp_path: Path) -> None:
    assert resolve_directory(tmp_path, {}) == tmp_path
    assert resolve_directory(tmp_path, {"HDSLINT_CACHE_DIR": "/x"}) == Path("/x")


@pytest.mark.parametrize(
    ("enabled", "env", "on"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"HDSLINT_NO_CACHE": "1"}, False),
        (True, {"HDSLINT_NO_CACHE": "yes"}, False),
        (True, {"HDSLINT_NO_CACHE": "0"}, True),
        (True, {"HDSLINT_NO_CACHE": ""}, True),
        (True, {"HDSLINT_NO_CACHE": "false"}, True),
    ],
)
def test_the_cache_can_be_turned_off(enabled: bool, env: dict[str, str], on: bool) -> None:
    assert (cache_directory(enabled, None, env) is not None) is on
