"""Policies in words: what their requirement keys mean, what they apply to, where their
documentation lives. Used by `hdslint policies show`, the generated docs and the report."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib import resources

import yaml

from hdslint import yamlio
from hdslint.policy import Policy
from hdslint.registry import ACTIVITY_NAMES

# docs/policies.md has one section per policy whose heading is the bare id, so its anchor
# is the lower-cased id (`#hds-loc-001`): stable for links and SARIF helpUri.
POLICY_DOCS = "docs/policies.md"
POLICY_DOCS_URL = "https://github.com/hdslint/hdslint/blob/main/docs/policies.md"


@functools.cache
def reference_texts() -> Mapping[str, str]:
    text = resources.files("hdslint.policy").joinpath("references.yaml").read_text("utf-8")
    data: dict[str, str] = yamlio.load(text)
    return data


def describe_reference(key: str) -> str:
    """`HDS-v2:EXI-28` -> what requirement 28 says (the key itself when it is not known)."""
    return reference_texts().get(key, key)


def docs_anchor(policy_id: str) -> str:
    return policy_id.lower()


def help_uri(policy: Policy) -> str:
    """Where the policy is documented: its own help_uri, or its section of docs/policies.md."""
    return policy.help_uri or f"{POLICY_DOCS_URL}#{docs_anchor(policy.id)}"


def describe_activities(activities: Sequence[int]) -> str:
    return ", ".join(f"{a} ({ACTIVITY_NAMES[a]})" for a in activities) or "none"


def describe_selector(policy: Policy) -> str:
    """The selector as a sentence: which resources the policy looks at."""
    return policy.selector.describe()


def definition_yaml(policy: Policy) -> str:
    """The policy's selector and condition as YAML, as written in its file."""
    data = {"select": policy.select, "condition": policy.condition}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88).rstrip() + "\n"
