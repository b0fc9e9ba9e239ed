"""Terragrunt units read as Terragrunt evaluates them: includes, locals, inputs, local and
downloaded sources, generate blocks, Terragrunt's functions; each unit is its own root."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.scan import ScanResult
from tests.conftest import write_tree

Scan = Callable[..., ScanResult]

ROOT_HCL = """
locals {
  region_vars = read_terragrunt_config(find_in_parent_folders("region.hcl"))
  region      = local.region_vars.locals.aws_region
}
generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<EOF
provider "aws" {
  region = "${local.region}"
}
EOF
}
inputs = {
  bucket_name = "records-${local.region}"
}
"""
UNIT = """
include "root" {
  path = find_in_parent_folders("root.hcl")
}
terraform {
  source = "../../../modules//store"
}
"""
STORE = """
variable "bucket_name" {}
resource "aws_s3_bucket" "records" {
  bucket = var.bucket_name
}
"""
PROVIDER_FROM_INPUT = """
variable "region" {}
provider "aws" { region = var.region }
resource "aws_s3_bucket" "b" {}
"""


def tree(*regions: str) -> dict[str, str]:
    files = {"live/root.hcl": ROOT_HCL, "modules/store/main.tf": STORE}
    for region in regions:
        files[f"live/{region}/region.hcl"] = f'locals {{ aws_region = "{region}" }}\n'
        files[f"live/{region}/app/terragrunt.hcl"] = UNIT
    return files


def findings(result: ScanResult) -> list[tuple[str, str, str | None, int | None, str]]:
    return [
        (f.policy_id, f.resource.id, f.location.file, f.location.line, f.resource.scope)
        for f in result.findings
    ]


def test_the_region_comes_from_region_hcl_read_by_the_roots_generate_block(
    scan_files: Scan,
) -> None:
    result = scan_files(tree("eu-west-3", "us-east-1"))
    assert {(r.scope, r.id): r.region for r in result.graph} == {
        ("project/live/eu-west-3/app", "aws_s3_bucket.records"): "eu-west-3",
        ("project/live/us-east-1/app", "aws_s3_bucket.records"): "us-east-1",
    }
    assert findings(result) == [
        (
            "HDS-LOC-001",
            "aws_s3_bucket.records",
            "project/modules/store/main.tf",
            2,
            "project/live/us-east-1/app",
        ),
    ]
    assert result.errors == []
    # The unit's inputs are the module's variables.
    assert {r.scope: r.attributes["bucket"] for r in result.graph} == {
        "project/live/eu-west-3/app": "records-eu-west-3",
        "project/live/us-east-1/app": "records-us-east-1",
    }


def test_one_module_failing_in_two_units_gives_two_findings_that_name_their_unit(
    scan_files: Scan,
) -> None:
    result = scan_files(tree("us-east-1", "us-west-2"))
    assert findings(result) == [
        (
            "HDS-LOC-001",
            "aws_s3_bucket.records",
            "project/modules/store/main.tf",
            2,
            "project/live/us-east-1/app",
        ),
        (
            "HDS-LOC-001",
            "aws_s3_bucket.records",
            "project/modules/store/main.tf",
            2,
            "project/live/us-west-2/app",
        ),
    ]
    assert [f.message for f in result.findings] == [
        "us-east-1 (United States) is outside the EEA (root module project/live/us-east-1/app)",
        "us-west-2 (United States) is outside the EEA (root module project/live/us-west-2/app)",
    ]


def test_a_resource_written_by_a_generate_block_is_located_in_it(scan_files: Scan) -> None:
    result = scan_files(
        {
            "app/terragrunt.hcl": """
generate "main" {
  path     = "main.tf"
  contents = <<EOF
provider "aws" {
  region = "us-east-1"
}
resource "aws_dynamodb_table" "t" {
  name = "t"
}
EOF
}
"""
        }
    )
    assert findings(result) == [
        ("HDS-LOC-001", "aws_dynamodb_table.t", "project/app/terragrunt.hcl", 7, "project/app"),
    ]


@pytest.mark.parametrize(
    ("strategy", "tags"),
    [
        ("shallow", {"team": "ehr"}),
        ("deep", {"data-classification": "health", "team": "ehr"}),
    ],
)
def test_include_merge_strategies_merge_inputs(
    scan_files: Scan, strategy: str, tags: dict[str, str]
) -> None:
    result = scan_files(
        {
            "root.hcl": """
inputs = {
  region = "eu-west-3"
  tags   = { data-classification = "health" }
}
""",
            "app/terragrunt.hcl": f"""
include "root" {{
  path           = find_in_parent_folders("root.hcl")
  merge_strategy = "{strategy}"
}}
inputs = {{
  tags = {{ team = "ehr" }}
}}
""",
            "app/main.tf": """
variable "region" {}
variable "tags" {}
provider "aws" { region = var.region }
resource "aws_s3_bucket" "b" { tags = var.tags }
""",
        }
    )
    assert [(r.id, r.region, dict(r.tags)) for r in result.graph] == [
        ("aws_s3_bucket.b", "eu-west-3", tags)
    ]
    assert result.errors == []


def test_an_exposed_include_is_read_through_include_name(scan_files: Scan) -> None:
    result = scan_files(
        {
            "common/store.hcl": 'locals { region = "us-east-1" }\n',
            "app/terragrunt.hcl": """
include "store" {
  path   = "${get_terragrunt_dir()}/../common/store.hcl"
  expose = true
}
inputs = { region = include.store.locals.region }
""",
            "app/main.tf": PROVIDER_FROM_INPUT,
        }
    )
    assert findings(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.b", "project/app/main.tf", 3, "project/app"),
    ]


def test_dependency_outputs_are_unknown_without_mock_outputs(scan_files: Scan) -> None:
    result = scan_files(
        {
            "app/terragrunt.hcl": """
dependency "net" {
  config_path = "../net"
}
inputs = { region = dependency.net.outputs.region }
""",
            "app/main.tf": PROVIDER_FROM_INPUT,
        }
    )
    assert findings(result) == [
        ("HDS-LOC-002", "aws_s3_bucket.b", "project/app/main.tf", 3, "project/app"),
    ]
    assert next(iter(result.graph)).unknown["region"] == (
        'provider "aws" region = var.region: dependency \'net\' ("../net"): its outputs are'
        " known once it is applied (no mock_outputs)"
    )


def test_dependency_mock_outputs_give_the_value(scan_files: Scan) -> None:
    result = scan_files(
        {
            "app/terragrunt.hcl": """
dependency "net" {
  config_path  = "../net"
  mock_outputs = { region = "us-east-1" }
}
inputs = { region = dependency.net.outputs.region }
""",
            "app/main.tf": PROVIDER_FROM_INPUT,
        }
    )
    assert findings(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.b", "project/app/main.tf", 3, "project/app"),
    ]


def test_get_env_is_its_default_and_never_reads_the_environment(
    scan_files: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPLOY_REGION", "eu-west-3")
    result = scan_files(
        {
            "a/terragrunt.hcl": 'inputs = { region = get_env("DEPLOY_REGION", "us-east-1") }\n',
            "a/main.tf": PROVIDER_FROM_INPUT,
            "b/terragrunt.hcl": 'inputs = { region = get_env("DEPLOY_REGION") }\n',
            "b/main.tf": PROVIDER_FROM_INPUT,
        }
    )
    assert findings(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.b", "project/a/main.tf", 3, "project/a"),
        ("HDS-LOC-002", "aws_s3_bucket.b", "project/b/main.tf", 3, "project/b"),
    ]
    unknown = {r.scope: r.unknown.get("region") for r in result.graph}
    assert unknown["project/b"] == (
        "provider \"aws\" region = var.region: get_env('DEPLOY_REGION') without a default:"
        " hdslint does not read the environment (it would be the scanning machine's, not the"
        " deployment's)"
    )


REMOTE_UNIT = """
terraform {
  source = "git::https://example.com/modules.git//store?ref=v1"
}
"""


def test_a_remote_source_is_an_unread_module_unless_terragrunt_downloaded_it(
    scan_files: Scan,
) -> None:
    result = scan_files(
        {
            "a/terragrunt.hcl": REMOTE_UNIT,
            "b/terragrunt.hcl": REMOTE_UNIT,
            "b/.terragrunt-cache/h1/h2/store/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
            "b/.terragrunt-cache/h1/h2/store/provider.tf": (
                'provider "aws" { region = "us-east-1" }\n'
            ),
        }
    )
    assert findings(result) == [
        ("HDS-EVAL-001", "terraform.source", "project/a/terragrunt.hcl", 2, "project/a"),
        (
            "HDS-LOC-001",
            "aws_s3_bucket.b",
            "project/b/.terragrunt-cache/h1/h2/store/main.tf",
            1,
            "project/b",
        ),
    ]
    assert result.findings[0].message.endswith(
        "remote source 'git::https://example.com/modules.git//store?ref=v1' is not"
        " downloaded: hdslint never fetches modules; run `terragrunt init` first so that"
        " .terragrunt-cache holds it"
    )


def test_a_root_named_terragrunt_hcl_is_not_a_unit(scan_files: Scan) -> None:
    result = scan_files(
        {
            "terragrunt.hcl": 'inputs = { region = "us-east-1" }\n',
            "app/terragrunt.hcl": "include {\n  path = find_in_parent_folders()\n}\n",
            "app/main.tf": PROVIDER_FROM_INPUT,
        }
    )
    assert findings(result) == [
        ("HDS-LOC-001", "aws_s3_bucket.b", "project/app/main.tf", 3, "project/app"),
    ]
    assert result.errors == []


def test_a_unit_that_cannot_be_evaluated_says_why(scan_files: Scan) -> None:
    result = scan_files(
        {
            "app/terragrunt.hcl": (
                'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n'
            ),
            "app/main.tf": PROVIDER_FROM_INPUT,
        }
    )
    assert [(e.file, e.line, e.message) for e in result.errors] == [
        (
            "project/app/terragrunt.hcl",
            1,
            'include "root": path = find_in_parent_folders("root.hcl") is not known:'
            " find_in_parent_folders('root.hcl'): no such file in the folders above app within"
            " the scanned folders",
        )
    ]
    assert findings(result) == [
        ("HDS-LOC-002", "aws_s3_bucket.b", "project/app/main.tf", 3, "project/app"),
    ]


def test_a_local_source_outside_the_scanned_folders_is_not_read(scan_files: Scan) -> None:
    result = scan_files({"app/terragrunt.hcl": 'terraform {\n  source = "/etc"\n}\n'})
    assert findings(result) == [
        ("HDS-EVAL-001", "terraform.source", "project/app/terragrunt.hcl", 2, "project/app"),
    ]
    assert result.findings[0].message.endswith(
        "local source '/etc' is outside the scanned folders and the working folder, so it"
        " is not read"
    )


@pytest.mark.parametrize(
    "changed",
    ["live/us-east-1/region.hcl", "live/us-east-1/app/terragrunt.hcl", "live/root.hcl"],
)
def test_changed_scans_the_units_a_change_concerns(
    cli: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    changed: str,
) -> None:
    write_tree(tmp_path, tree("eu-west-3", "us-east-1"))
    monkeypatch.chdir(tmp_path)
    code, out, _err = cli("scan", "--changed", changed, "-f", "json")
    doc = json.loads(out)
    assert code == 1
    assert [
        (f["policy_id"], f["resource"]["id"], f["location"]["file"], f["location"]["line"])
        for f in doc["findings"]
    ] == [("HDS-LOC-001", "aws_s3_bucket.records", "modules/store/main.tf", 2)]
    assert doc["errors"] == []


# terragrunt.hcl.json: the same unit in HCL's JSON form (strings are templates).
UNIT_JSON = """{
  "include": {
    "root": {
      "path": "${find_in_parent_folders(\\"root.hcl\\")}"
    }
  },
  "terraform": {
    "source": "../../../modules//store"
  },
  "inputs": {
    "bucket_name": "json-${basename(get_terragrunt_dir())}"
  }
}
"""


def test_a_terragrunt_hcl_json_unit_is_read_as_its_hcl_form(scan_files: Scan) -> None:
    files = tree("eu-west-3")
    files["live/us-east-1/region.hcl"] = 'locals { aws_region = "us-east-1" }\n'
    files["live/us-east-1/app/terragrunt.hcl.json"] = UNIT_JSON
    result = scan_files(files)
    assert findings(result) == [
        (
            "HDS-LOC-001",
            "aws_s3_bucket.records",
            "project/modules/store/main.tf",
            2,
            "project/live/us-east-1/app",
        ),
    ]
    assert result.errors == []
    # Its inputs (the JSON unit replaces the root's shallowly) are the module's variables.
    assert {r.scope: r.attributes["bucket"] for r in result.graph} == {
        "project/live/eu-west-3/app": "records-eu-west-3",
        "project/live/us-east-1/app": "json-app",
    }


def test_terragrunt_hcl_wins_over_the_json_form_beside_it(scan_files: Scan) -> None:
    files = tree("us-east-1")
    # Terragrunt reads terragrunt.hcl.json only where there is no terragrunt.hcl.
    files["live/us-east-1/app/terragrunt.hcl.json"] = UNIT_JSON
    result = scan_files(files)
    assert [r.attributes["bucket"] for r in result.graph] == ["records-us-east-1"]
    assert len(result.findings) == 1


def test_an_invalid_terragrunt_json_unit_is_an_input_error(scan_files: Scan) -> None:
    result = scan_files({"app/terragrunt.hcl.json": '{\n  "inputs": {\n}\n'})
    assert [(e.file, e.line, e.message) for e in result.errors] == [
        (
            "project/app/terragrunt.hcl.json",
            4,
            "invalid Terragrunt JSON: Expecting ',' delimiter",
        )
    ]


ENVCOMMON = """
include "root" {
  path = find_in_parent_folders("root.hcl")
}
terraform {
  source = "${get_repo_root()}/modules//store"
}
"""
INCLUDES_ENVCOMMON = """
include "envcommon" {
  path = find_in_parent_folders("_envcommon/store.hcl")
}
"""


def test_a_nested_include_is_refused_as_terragrunt_refuses_it(scan_files: Scan) -> None:
    files = tree("eu-west-3")
    files["live/_envcommon/store.hcl"] = ENVCOMMON
    files["live/eu-west-3/db/terragrunt.hcl"] = INCLUDES_ENVCOMMON
    files["live/eu-west-3/cache/terragrunt.hcl"] = INCLUDES_ENVCOMMON
    result = scan_files(files)
    # One error where the nested include is, whichever units include the file...
    assert [(e.file, e.line, e.message) for e in result.errors] == [
        (
            "project/live/_envcommon/store.hcl",
            1,
            'include "root" in a configuration that units include: Terragrunt allows only one'
            " level of includes, and refuses the units that include this file",
        )
    ]
    # ...and each refused unit is not evaluated (nothing it deploys is known); the unit
    # with one level of includes is evaluated.
    assert findings(result) == [
        (
            "HDS-EVAL-001",
            "terraform.source",
            "project/live/eu-west-3/cache/terragrunt.hcl",
            1,
            "project/live/eu-west-3/cache",
        ),
        (
            "HDS-EVAL-001",
            "terraform.source",
            "project/live/eu-west-3/db/terragrunt.hcl",
            1,
            "project/live/eu-west-3/db",
        ),
    ]
    assert result.findings[0].message.endswith(
        "Terragrunt refuses this unit: it includes project/live/_envcommon/store.hcl, which"
        " itself includes another configuration (only one level of includes is allowed)"
    )
    assert [(r.scope, r.region) for r in result.graph if r.type == "aws_s3_bucket"] == [
        ("project/live/eu-west-3/app", "eu-west-3")
    ]


def test_changed_picks_a_json_unit_and_the_hcl_files_it_reads(
    cli: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = tree("eu-west-3")
    files["live/us-east-1/region.hcl"] = 'locals { aws_region = "us-east-1" }\n'
    files["live/us-east-1/app/terragrunt.hcl.json"] = UNIT_JSON
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    for changed in ("live/us-east-1/app/terragrunt.hcl.json", "live/us-east-1/region.hcl"):
        code, out, _err = cli("scan", "--changed", changed, "-f", "json")
        doc = json.loads(out)
        assert (code, doc["errors"]) == (1, []), changed
        assert [
            (f["policy_id"], f["location"]["file"], f["location"]["line"], f["message"])
            for f in doc["findings"]
        ] == [
            (
                "HDS-LOC-001",
                "modules/store/main.tf",
                2,
                "us-east-1 (United States) is outside the EEA",
            )
        ], changed


GENERATED_UNIT = """
terraform {
  source = "../../../modules//store"
}
generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite"
  contents  = "provider \\"aws\\" { region = \\"${values.region}\\" }"
}
"""


def test_units_generated_from_a_stack_read_their_values(scan_files: Scan) -> None:
    files = {
        "modules/store/main.tf": STORE,
        "stack/terragrunt.stack.hcl": (
            'unit "records" {\n  source = "../units/records"\n  path   = "records"\n'
            '  values = { region = "us-east-1" }\n}\n'
        ),
        # What `terragrunt stack generate` writes: the unit, and its values beside it.
        "stack/.terragrunt-stack/records/terragrunt.hcl": GENERATED_UNIT,
        "stack/.terragrunt-stack/records/terragrunt.values.hcl": 'region = "us-east-1"\n',
        # A unit that reads values without its values file: said, never guessed.
        "stack/.terragrunt-stack/orphan/terragrunt.hcl": GENERATED_UNIT,
    }
    result = scan_files(files)
    assert findings(result) == [
        (
            "HDS-LOC-001",
            "aws_s3_bucket.records",
            "project/modules/store/main.tf",
            2,
            "project/stack/.terragrunt-stack/records",
        ),
        (
            "HDS-LOC-002",
            "aws_s3_bucket.records",
            "project/modules/store/main.tf",
            2,
            "project/stack/.terragrunt-stack/orphan",
        ),
    ]
    assert [(e.file, e.line, e.message) for e in result.errors] == [
        (
            "project/stack/.terragrunt-stack/orphan/terragrunt.hcl",
            7,
            'generate "provider": contents are not known: values: no terragrunt.values.hcl'
            " beside project/stack/.terragrunt-stack/orphan (a unit of a stack gets its values"
            " from the stack; run `terragrunt stack generate` so that .terragrunt-stack holds"
            " the generated units)",
        ),
        (
            "project/stack/terragrunt.stack.hcl",
            None,
            "not read by this version of hdslint: a Terragrunt stack (terragrunt.stack.hcl):"
            " its unit blocks are not expanded (the units `terragrunt stack generate` writes"
            " into .terragrunt-stack are read when present)",
        ),
    ]
