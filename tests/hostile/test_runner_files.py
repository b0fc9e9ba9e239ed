"""A pull request cannot make the scan read the runner's files (issue #13, "The runner's files
stay unread"): every path a configuration names stays inside the scanned repository, error
messages quote a short excerpt at most, and devices or FIFOs are never read."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_PROVENANCE, write_tree

MAIN_TF = """
provider "aws" { region = "eu-west-3" }
resource "aws_s3_bucket" "records" {}
"""
SECRET = "hunter2-runner-secret-value"

CliRun = Callable[..., tuple[int, str, str]]


def repo(tmp_path: Path, config: str, **files: str) -> Path:
    root = write_tree(tmp_path / "repo", {"main.tf": MAIN_TF, ".hdslint.yaml": config, **files})
    (root / ".git").mkdir()
    return root


def test_proc_environ_as_var_file_is_refused_and_never_echoed(tmp_path: Path) -> None:
    root = repo(tmp_path, "terraform:\n  var_files: [/proc/self/environ]\n")
    env = {**os.environ, "RUNNER_SECRET": SECRET, "HDSLINT_NO_CACHE": "1"}
    formats = ("text", "json", "sarif", "markdown", "github")
    for fmt in formats:
        proc = subprocess.run(
            [sys.executable, "-m", "hdslint", "scan", ".", "-f", fmt],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 2, (fmt, proc.stdout, proc.stderr)
        assert proc.stdout == ""
        assert proc.stderr == (
            "hdslint: error: .hdslint.yaml: $.terraform.var_files[0]: '/proc/self/environ' is"
            " not allowed: name a file relative to the configuration's folder, inside the"
            " repository\n"
        )
        assert SECRET not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "terraform:\n  var_files: ['~/.aws/credentials']\n",
            "$.terraform.var_files[0]: '~/.aws/credentials' is not allowed: name a file"
            " relative to the configuration's folder, inside the repository",
        ),
        (
            "terraform:\n  var_files: [../outside/secrets.tfvars]\n",
            "$.terraform.var_files[0]: '../outside/secrets.tfvars' is outside the repository"
            " ({repo}): a configuration names files inside it only",
        ),
        (
            "terraform:\n  var_files: [vars/linked.tfvars]\n",
            "$.terraform.var_files[0]: 'vars/linked.tfvars' is outside the repository"
            " ({repo}): a configuration names files inside it only",
        ),
        (
            "policies:\n  paths: [../outside]\n",
            "$.policies.paths[0]: '../outside' is outside the repository ({repo}): a"
            " configuration names files inside it only",
        ),
        (
            "baseline: ../outside/secrets.tfvars\n",
            "$.baseline: '../outside/secrets.tfvars' is outside the repository ({repo}): a"
            " configuration names files inside it only",
        ),
    ],
)
def test_config_paths_outside_the_repository_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun, config: str, message: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.tfvars").write_text(f'password = "{SECRET}" oops\n')
    root = repo(tmp_path, config)
    (root / "vars").mkdir()
    # A committed symlink that leads out of the repository is resolved, then refused.
    (root / "vars" / "linked.tfvars").symlink_to(outside / "secrets.tfvars")
    monkeypatch.chdir(root)
    code, out, err = cli("scan", ".", "--no-cache", "-f", "json")
    assert (code, out) == (2, "")
    assert err == f"hdslint: error: .hdslint.yaml: {message.format(repo=root.as_posix())}\n"
    assert SECRET not in err


def test_a_syntax_error_quotes_a_short_excerpt_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, "terraform:\n  var_files: [secrets.tfvars]\n")
    (root / "secrets.tfvars").write_text(f"password = = {SECRET} and the rest of the line\n")
    monkeypatch.chdir(root)
    expected = "secrets.tfvars:1: invalid HCL: unexpected '= hunter2-runner'…"
    for fmt in ("text", "json", "sarif", "markdown", "github"):
        code, out, _err = cli("scan", ".", "-f", fmt)
        assert code == 2
        assert SECRET not in out, fmt
    code, out, _err = cli("scan", ".", "--no-color")
    assert out.splitlines()[0] == f"error  {expected}"
    # The parse cache holds the same short message, never the line.
    cached = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert SECRET.encode() not in cached


def test_a_long_token_is_cut_to_an_excerpt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, "")
    (root / "bad.tf").write_text("x = = AKIA" + "X" * 60 + "\n")
    monkeypatch.chdir(root)
    code, out, _err = cli("scan", ".", "--no-color", "--no-cache")
    assert code == 2
    assert out.splitlines()[0] == (f"error  bad.tf:1: invalid HCL: unexpected '= AKIA{'X' * 10}'…")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_var_file_is_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, "terraform:\n  var_files: [pipe.tfvars]\n")
    os.mkfifo(root / "pipe.tfvars")
    monkeypatch.chdir(root)
    code, out, _err = cli("scan", ".", "--no-color", "--no-cache")
    assert code == 2
    assert out.splitlines()[0] == (
        "error  pipe.tfvars: cannot read: not a regular file (devices and FIFOs are never read)"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_as_baseline_or_config_is_an_error_not_a_memory_blow_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, "")
    monkeypatch.chdir(root)
    code, out, err = cli("scan", ".", "--no-cache", "--baseline", "/dev/zero")
    assert (code, out) == (2, "")
    assert err == (
        "hdslint: error: /dev/zero: cannot read the baseline: not a regular file (devices and"
        " FIFOs are never read)\n"
    )
    code, out, err = cli("scan", ".", "--no-cache", "--config", "/dev/zero")
    assert (code, out) == (2, "")
    assert err == (
        "hdslint: error: /dev/zero: cannot read configuration: not a regular file (devices"
        " and FIFOs are never read)\n"
    )
    # A committed symlink to a device, named by the configuration, leaves the repository.
    (root / "zero.json").symlink_to("/dev/zero")
    (root / ".hdslint.yaml").write_text("baseline: zero.json\n")
    code, out, err = cli("scan", ".", "--no-cache")
    assert (code, out) == (2, "")
    assert err == (
        "hdslint: error: .hdslint.yaml: $.baseline: 'zero.json' is outside the repository"
        f" ({root.as_posix()}): a configuration names files inside it only\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_cache_entry_is_a_miss_not_a_hang(tmp_path: Path) -> None:
    from hdslint.cache import CacheStore

    store = CacheStore(tmp_path / "cache", "test", [b"x"])
    store.put("ab" + "0" * 38, ("ok", 1))
    entry = store.path("cd" + "0" * 38)
    entry.parent.mkdir(parents=True)
    os.mkfifo(entry)
    assert store.get("cd" + "0" * 38) is None
    assert (store.hits, store.misses) == (0, 1)


def test_cache_directory_from_the_repository_is_ignored_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, "cache:\n  directory: .cache\n")
    monkeypatch.chdir(root)
    code, out, _err = cli("scan", ".", "--no-color", "-f", "json")
    assert code == 0
    import json

    assert json.loads(out)["summary"]["files"] == 1
    code, out, _err = cli("scan", ".", "--no-color")
    assert (
        "warning  .hdslint.yaml: cache.directory is ignored: the cache location comes from"
        " HDSLINT_CACHE_DIR or XDG_CACHE_HOME, never from the scanned repository"
    ) in out.splitlines()
    assert not (root / ".cache").exists()
    assert (tmp_path / "cache" / "hdslint").is_dir()


def test_a_cache_folder_inside_the_scanned_tree_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, "")
    monkeypatch.chdir(root)
    monkeypatch.setenv("HDSLINT_CACHE_DIR", str(root / "planted"))
    code, _out, _err = cli("scan", ".", "--no-color")
    assert code == 0
    assert not (root / "planted").exists()


def test_cache_entries_are_bound_to_their_key_and_private(tmp_path: Path) -> None:
    from hdslint.cache import CacheStore

    old = os.umask(0o022)
    try:
        store = CacheStore(tmp_path / "c" / "hdslint", "test", [b"x"])
        store.put("ab" + "1" * 38, ("ok", "eu-west-3"))
    finally:
        os.umask(old)
    entry = store.path("ab" + "1" * 38)
    assert entry.stat().st_mode & 0o777 == 0o600
    for folder in (entry.parent, store.folder, store.directory, tmp_path / "c"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    # The same bytes under another key (a planted entry) are a miss.
    other = store.path("cd" + "1" * 38)
    other.parent.mkdir(mode=0o700)
    other.write_bytes(entry.read_bytes())
    assert store.get("cd" + "1" * 38) is None
    assert store.get("ab" + "1" * 38) == ("ok", "eu-west-3")


def test_config_discovery_stops_at_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    # A parent folder's configuration (here one switching every policy off) is not taken.
    (tmp_path / ".hdslint.yaml").write_text("policies:\n  shipped: false\n")
    root = write_tree(
        tmp_path / "repo",
        {"main.tf": 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n'},
    )
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    code, out, _err = cli("scan", ".", "--no-color")
    assert code == 1
    assert "main.tf:2  critical HDS-LOC-001  aws_s3_bucket.b" in out


def test_a_configuration_another_user_owns_is_never_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    """Outside a repository (a folder under /tmp), a `.hdslint.yaml` someone else left
    there does not configure the scan: only the user's own files are discovered."""
    shared = write_tree(
        tmp_path / "shared",
        {
            ".hdslint.yaml": "policies:\n  shipped: false\n",
            "main.tf": 'provider "aws" { region = "us-east-1" }\nresource "aws_s3_bucket" "b" {}\n',
        },
    )
    monkeypatch.chdir(shared)
    code, out, _ = cli("scan", ".", "--no-color", "-q")
    assert (code, out.splitlines()[0]) == (
        2,
        "error  .hdslint.yaml: the configuration turns every shipped HDS policy off"
        " (policies.shipped or policies.disable): nothing checks the HDS rules; pass"
        " --allow-checks-off to scan anyway",
    )
    # The same file, owned by another user: not taken (the defaults apply).
    real_uid = os.getuid()
    monkeypatch.setattr("hdslint.configfile.os.getuid", lambda: real_uid + 1)
    code, out, _ = cli("scan", ".", "--no-color")
    assert (code, out.splitlines()[0], out.splitlines()[-3]) == (
        1,
        "main.tf:2  critical HDS-LOC-001  aws_s3_bucket.b",
        DEFAULT_PROVENANCE,
    )


def test_the_pre_commit_hook_passes_file_names_after_a_double_dash() -> None:
    import yaml

    hooks = yaml.safe_load(Path(__file__).parents[2].joinpath(".pre-commit-hooks.yaml").read_text())
    scan = next(h for h in hooks if h["id"] == "hdslint")
    assert scan["entry"] == "hdslint scan --changed --"
    assert scan["pass_filenames"] is True


def test_a_file_named_like_an_option_is_a_file_after_double_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRun
) -> None:
    root = repo(tmp_path, "")
    (root / "evil.yaml").write_text("policies:\n  shipped: false\n")
    monkeypatch.chdir(root)
    code, out, _err = cli("scan", "--no-color", "--", "--config=evil.yaml")
    assert code == 2
    assert out.splitlines()[0] == "error  --config=evil.yaml: no such file or directory"
