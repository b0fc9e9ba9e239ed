"""Generate docs/policies.md and docs/registry.md from the policy pack and the registry.

    python -m hdslint.docsgen            # rewrite the pages under ./docs
    python -m hdslint.docsgen --check    # exit 1 if a committed page is stale

The pages are never edited by hand: the policies and registry entries carry their own
documentation (description, rationale, remediation, examples; sources, dates, confidence).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hdslint.docsgen.policies_md import render_policies
from hdslint.docsgen.registry_md import render_registry
from hdslint.policy import shipped_policies
from hdslint.registry import load_registry


def pages() -> dict[str, str]:
    """Relative path -> generated content, from the shipped policies and registry only (the
    user's configuration never leaks into the project's docs)."""
    return {
        "docs/policies.md": render_policies(shipped_policies()),
        "docs/registry.md": render_registry(load_registry()),
    }


def stale_pages(root: Path) -> list[str]:
    """The generated pages whose committed copy under `root` differs from what they would be."""
    out = []
    for rel, text in pages().items():
        path = root / rel
        if not path.is_file() or path.read_text("utf-8") != text:
            out.append(rel)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hdslint.docsgen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale pages")
    parser.add_argument("--root", type=Path, default=Path(), help="repository root (default: .)")
    args = parser.parse_args(argv)
    root: Path = args.root
    if args.check:
        stale = stale_pages(root)
        for rel in stale:
            print(f"{rel} is out of date: run `python -m hdslint.docsgen`", file=sys.stderr)
        return 1 if stale else 0
    for rel, text in pages().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text("utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    return 0
