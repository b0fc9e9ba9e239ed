"""A value Terraform marks sensitive never appears in any output, whatever path it takes
(issue #13): through lower(), format(), a template, a local, a `for`, a module's input and
output, sensitive(), a map lookup whose error would quote it, a flow's destination, a plan's
variables. The decision still uses it (Terraform deploys there); every report shows
`(sensitive)` instead, in every format, the auditor's report included."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hdslint.reporters import REPORTERS
from hdslint.sensitive import SHOWN, conceal
from tests.conftest import write_tree

CliRun = Callable[..., tuple[int, str, str]]

MAIN_TF = """
variable "where" {
  sensitive = true
  default   = "US-East-1"
}

locals {
  region = lower(var.where)
}

provider "aws" {
  region = local.region
}

provider "aws" {
  alias  = "tpl"
  region = "${sensitive("ap")}-south-1"
}

provider "aws" {
  alias  = "loop"
  region = [for r in [var.where] : replace(lower(r), "east-1", "east-2")][0]
}

provider "aws" {
  alias  = "out"
  region = module.m.r
}

provider "aws" {
  alias  = "unk"
  region = { paris = "eu-west-3" }[format("%s", lower(var.where))]
}

provider "aws" {
  alias  = "shown"
  region = nonsensitive(sensitive("us-west-2"))
}

module "m" {
  source = "./m"
  region = upper(var.where) == "US-EAST-1" ? "ca-central-1" : "eu-west-1"
}

resource "aws_s3_bucket" "local" {}

resource "aws_s3_bucket" "tpl" {
  provider = aws.tpl
}

resource "aws_s3_bucket" "loop" {
  provider = aws.loop
}

resource "aws_s3_bucket" "out" {
  provider = aws.out
}

resource "aws_s3_bucket" "unk" {
  provider = aws.unk
  bucket   = "${lower(var.where)}-records"
  tags = {
    owner = var.where
  }
}

resource "aws_s3_bucket" "shown" {
  provider = aws.shown
}

resource "aws_s3_bucket_replication_configuration" "copy" {
  bucket = aws_s3_bucket.local.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    id     = "all"
    status = "Enabled"
    destination {
      bucket = "arn:aws:s3:::${lower(var.where)}-replica"
    }
  }
}
"""

MODULE_TF = """
variable "region" {}

provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "inner" {}

output "r" {
  value = "${var.region}"
}
"""

# A plan whose provider takes its region from a root variable declared sensitive.
PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.9.0",
    "variables": {"where": {"value": "SA-East-1"}},
    "planned_values": {
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket.planned",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "planned",
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "values": {"bucket": "planned"},
                    "sensitive_values": {},
                }
            ]
        }
    },
    "configuration": {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"references": ["var.where"]}}}
        },
        "root_module": {
            "variables": {"where": {"sensitive": True}},
            "resources": [
                {
                    "address": "aws_s3_bucket.planned",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "planned",
                    "provider_config_key": "aws",
                    "expressions": {"bucket": {"constant_value": "planned"}},
                }
            ],
        },
    },
}

# Every value derived from `where` (and the regions it decides), and the countries they
# are in, in any case.
SECRETS = ("us-east-1", "us-east-2", "ap-south-1", "ca-central-1", "sa-east-1", "brazil")
LOCATED = "could not be checked: the region is not known"
HIDDEN_REASON = (
    "its region is derived from a sensitive value, which hdslint neither reads into a"
    " policy nor shows (nor why it is not known, which could quote it)"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(
        tmp_path / "repo",
        {
            "infra/main.tf": MAIN_TF,
            "infra/m/main.tf": MODULE_TF,
            "plan/tfplan.json": json.dumps(PLAN),
        },
    )
    monkeypatch.chdir(root)
    return root


def assert_concealed(text: str, where: str) -> None:
    lowered = text.lower()
    assert [s for s in SECRETS if s in lowered] == [], where


def test_no_output_shows_a_value_derived_from_a_sensitive_one(project: Path, cli: CliRun) -> None:
    outputs: dict[str, str] = {}
    for name in REPORTERS:
        code, out, err = cli("scan", ".", "--no-cache", "--no-color", "-f", name)
        assert code == 1, (name, err)
        outputs[name] = out + err
    for name in ("markdown", "html"):
        code, out, err = cli("report", ".", "-f", name)
        assert code == 0, (name, err)
        outputs[f"report {name}"] = out + err
    code, _, err = cli("baseline", ".", "-o", "baseline.json")
    assert code == 0, err
    outputs["baseline"] = Path("baseline.json").read_text() + err
    for name, text in outputs.items():
        assert_concealed(text, name)
        assert SHOWN in text or name == "baseline", name

    # The decisions use the values: the same findings as if they were not sensitive.
    code, out, _ = cli("scan", ".", "--no-cache", "-f", "json")
    report = json.loads(out)
    assert [
        (
            f["policy_id"],
            f["status"],
            f["resource"]["id"],
            f["location"]["line"],
            f["resource"]["region"],
            f["message"],
        )
        for f in report["findings"]
    ] == [
        (
            "HDS-LOC-001",
            "fail",
            "module.m.aws_s3_bucket.inner",
            7,
            SHOWN,
            f"{SHOWN} is outside the EEA",
        ),
        (
            "HDS-FLOW-001",
            "not_evaluated",
            "aws_s3_bucket.local",
            44,
            SHOWN,
            "could not be checked: replicates to a destination that is not known: the"
            f" destination {SHOWN} is not among the scanned resources and its region is not"
            " known",
        ),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.local", 44, SHOWN, f"{SHOWN} is outside the EEA"),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.tpl", 46, SHOWN, f"{SHOWN} is outside the EEA"),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.loop", 50, SHOWN, f"{SHOWN} is outside the EEA"),
        ("HDS-LOC-001", "fail", "aws_s3_bucket.out", 54, SHOWN, f"{SHOWN} is outside the EEA"),
        (
            "HDS-LOC-002",
            "not_evaluated",
            "aws_s3_bucket.unk",
            58,
            None,
            f"{LOCATED}: {HIDDEN_REASON}",
        ),
        # nonsensitive() lifts the mark: that region is shown (not its country, which is
        # that of a concealed region too).
        (
            "HDS-LOC-001",
            "fail",
            "aws_s3_bucket.shown",
            66,
            "us-west-2",
            f"us-west-2 ({SHOWN}) is outside the EEA",
        ),
        (
            "HDS-LOC-001",
            "fail",
            "aws_s3_bucket.planned",
            1,
            SHOWN,
            f"{SHOWN} is outside the EEA",
        ),
    ]


def test_a_sensitive_value_is_never_an_instance_key(tmp_path: Path, cli: CliRun) -> None:
    """As Terraform: for_each over sensitive values is an error (the keys would show them in
    every address): an input error naming the file and line, and the value is not shown."""
    write_tree(
        tmp_path,
        {
            "main.tf": """
            variable "names" {
              sensitive = true
              default   = ["patients-us-east-1"]
            }
            provider "aws" { region = "eu-west-3" }
            resource "aws_s3_bucket" "b" {
              for_each = toset(var.names)
              bucket   = each.value
            }
            """
        },
    )
    code, out, _ = cli("scan", str(tmp_path), "--no-cache", "--no-color")
    assert "patients" not in out
    assert (code, out.splitlines()[0]) == (
        2,
        f"error  {tmp_path.as_posix()}/main.tf:6: aws_s3_bucket.b: for_each = toset(var.names):"
        " sensitive values, or values derived from them, cannot be used as for_each arguments",
    )


@pytest.mark.parametrize(
    ("text", "values", "shown"),
    [
        ("us-east-1 (United States) is outside", ["us-east-1"], f"{SHOWN} is outside"),
        ('"region": "US-EAST-1"', ["us-east-1"], f'"region": "{SHOWN}"'),
        ("aws:us-east-1, us-east-1a", ["us-east-1"], f"aws:{SHOWN}, {SHOWN}a"),
        # Short values only as whole words.
        ("status: us, eu-west-3", ["us", "eu"], f"status: {SHOWN}, eu-west-3"),
        ("nothing to hide", [], "nothing to hide"),
    ],
)
def test_conceal(text: str, values: list[str], shown: str) -> None:
    assert conceal(text, values) == shown


def test_a_sensitive_tag_is_not_read_and_the_classification_says_so(
    tmp_path: Path, cli: CliRun
) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": """
            variable "cls" {
              sensitive = true
              default   = "health"
            }
            provider "aws" { region = "us-east-1" }
            resource "aws_s3_bucket" "b" {
              tags = { data-classification = var.cls }
            }
            """,
            ".hdslint.yaml": "health_data:\n  default: false\n"
            "  tags:\n    data-classification: [health]\n",
        },
    )
    code, out, _ = cli("scan", str(tmp_path), "--no-cache", "--no-color", "-f", "json")
    assert [(f["policy_id"], f["status"], f["message"]) for f in json.loads(out)["findings"]] == [
        (
            "HDS-DATA-001",
            "not_evaluated",
            "could not be checked: whether it holds health data is not known: its tags are not"
            " known: its tags are derived from a sensitive value, which hdslint neither reads"
            " into a policy nor shows (nor why it is not known, which could quote it)",
        )
    ]
    assert code == 1


def test_an_error_computed_from_a_sensitive_value_does_not_quote_it(
    tmp_path: Path, cli: CliRun
) -> None:
    """tonumber() of a sensitive string fails with a message quoting the string: a reason
    derived from a sensitive value says so instead."""
    write_tree(
        tmp_path,
        {
            "main.tf": """
            variable "n" {
              sensitive = true
              default   = "secret-count-value"
            }
            resource "azurerm_storage_account" "b" {
              count    = tonumber(var.n)
              location = ["francecentral", "westeurope"][count.index]
            }
            """
        },
    )
    code, out, _ = cli("scan", str(tmp_path), "--no-cache", "--no-color", "-f", "json")
    assert "secret" not in out
    assert [(f["policy_id"], f["message"]) for f in json.loads(out)["findings"]] == [
        (
            "HDS-LOC-002",
            "could not be checked: the region is not known: count = tonumber(var.n): it is"
            " derived from a sensitive value",
        )
    ]
    # The whole chain of causes, in the JSON report only.
    assert [f["causes"] for f in json.loads(out)["findings"]] == [
        [
            [
                "the region is not known",
                'location = ["francecentral", "westeurope"][count.index]',
                "azurerm_storage_account.b instances are not known",
                "count = tonumber(var.n): it is derived from a sensitive value",
            ]
        ]
    ]
    assert code == 1
