"""Every command README.md and docs/*.md show runs, as written, with the exit code the
documentation leads a reader to expect.

`EXPECTED` names each documented command's exit code, or why it is not run here. A command
added to the documentation and missing from the table fails `test_every_documented_command_
is_covered`; an entry whose command left the documentation fails it too. The commands run in
document order, in one workspace laid out as the documentation assumes (`infra/` with
Terraform that has findings, `k8s/`, `prod.tfvars`, `compliance/policies/`), with `hdslint`
on PATH; `hdslint aws` runs against a moto server on 127.0.0.1 (AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.docs.commands import documented_commands
from tests.sources.aws.conftest import aws_env, moto_endpoint, seed_account

__all__ = ["aws_env", "moto_endpoint"]  # fixtures used below


@dataclass(frozen=True)
class Excluded:
    reason: str


PLACEHOLDER = Excluded("a synopsis: its upper-case words are placeholders, not arguments")
INSTALLS = Excluded(
    "installs hdslint and runs the whole suite: checked on a fresh clone (the suite cannot run"
    " itself), see tests/test_packaging.py for the installed wheel"
)
AZURE_CLI = Excluded(
    "the Azure CLI and an Azure login make the export; tests/sources/exports reads exports"
)
GCLOUD = Excluded(
    "the gcloud CLI and a Google Cloud login make the export; tests/sources/exports reads exports"
)
AWS_CONFIG = Excluded(
    "AWS Config, its delivery channel or aggregator and AWS credentials make the export;"
    " tests/sources/exports reads exports"
)
ORGANIZATION = Excluded(
    "needs an AWS Organization with member accounts and moto's IAM emulation:"
    " tests/sources/aws/test_organization.py runs --org and --accounts"
)
AZURE_LIVE = Excluded(
    "needs an Azure login (or the SDK installed by hand): tests/sources/azurelive runs"
    " `hdslint azure` against a local fake of Azure Resource Manager"
)
GCP_LIVE = Excluded(
    "needs Google Cloud credentials: tests/sources/gcplive runs `hdslint gcp` against a local"
    " fake of the Cloud Asset API"
)
BENCH = Excluded("a benchmark (minutes of work); tests/test_bench.py runs the bench code")

# documented command -> expected exit code, or why it is not run here
EXPECTED: dict[str, int | Excluded] = {
    "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/hdslint scan examples": INSTALLS,
    ".ci/run": INSTALLS,
    "hdslint scan [PATH...]": PLACEHOLDER,
    "hdslint scan --changed FILE...": PLACEHOLDER,
    "hdslint scan infra --format json --output hdslint.json": 1,
    "hdslint scan infra -f text -f sarif=hdslint.sarif -f markdown=summary.md": 1,
    "hdslint scan infra -f github -f sarif=hdslint.sarif -f markdown=summary.md": 1,
    "hdslint scan infra --var region=eu-west-3 --var-file prod.tfvars": 1,
    "hdslint baseline infra": 0,
    "hdslint scan infra --baseline .hdslint-baseline.json": 0,
    "hdslint validate-policies compliance/policies": 0,
    "helm template charts/ehr -f prod.yaml | hdslint scan - --stdin-filename k8s/prod/ehr.yaml": (
        Excluded("needs Helm and a chart; stdin with --stdin-filename: tests/sources/kubernetes")
    ),
    'git show FETCH_HEAD:.hdslint.yaml > "$RUNNER_TEMP/hdslint.yaml"': Excluded(
        "a workflow step (a GitHub runner, the base branch fetched): tests/test_action.py runs"
        " the Action with a configuration from outside the workspace"
    ),
    "kustomize build k8s/overlays/prod | hdslint scan -": Excluded(
        "needs kustomize; manifests on stdin: tests/sources/kubernetes"
    ),
    "hdslint report infra --format html --output hds-report.html": 0,
    "hdslint report infra > hds-report.md": 0,
    "hdslint aws": 1,
    "hdslint aws --save evidence.json": 1,
    "hdslint scan evidence.json": 1,
    "hdslint aws --save evidence-2026-11-28.json": 1,
    "hdslint scan evidence-2026-11-28.json": 1,
    "hdslint aws --profile audit -r eu-west-3,eu-central-1": Excluded(
        "needs an AWS profile named audit; profiles: tests/sources/aws/test_cli_aws.py"
    ),
    "hdslint aws --profile audit -r eu-west-3 -r eu-central-1": Excluded(
        "needs an AWS profile named audit; profiles: tests/sources/aws/test_cli_aws.py"
    ),
    "hdslint aws --role-arn arn:aws:iam::111122223333:role/hdslint-readonly": 1,
    "hdslint aws --iam-policy > hdslint-policy.json": 0,
    "hdslint aws --iam-policy": 0,
    "hdslint aws --org --role-name hdslint-audit --save org-evidence.json": ORGANIZATION,
    "hdslint aws --org --role-name hdslint-audit --accounts 111122223333,444455556666": (
        ORGANIZATION
    ),
    "hdslint scan org-evidence.json": Excluded(
        "reads the file of an organization's scan: tests/sources/aws/test_organization.py"
    ),
    "hdslint aws --org --role-name hdslint-audit": ORGANIZATION,
    "hdslint aws --org --role-name hdslint-audit --accounts 111122223333,444455556666 --save org.json": (
        ORGANIZATION
    ),
    "hdslint aws --accounts 111122223333 --role-name hdslint-audit": ORGANIZATION,
    "hdslint policies": 0,
    "hdslint policies show HDS-LOC-001": 0,
    "hdslint registry": 0,
    "hdslint registry show ovh": 0,
    "hdslint cache info": 0,
    "hdslint --version": 0,
    "hdslint completion bash": 0,
    ".venv/bin/python bench/aws_bench.py": BENCH,
    ".venv/bin/python bench/aws_bench.py --latency-ms 100 --workers 32 --check": BENCH,
    ".venv/bin/python bench/bench.py --json bench/results/run.json": BENCH,
    "HDSLINT_TODAY=2026-12-05 .venv/bin/python bench/accuracy.py ~/corpus-acc"
    " --prepare-from MIRRORS --json accuracy.json": Excluded(
        "a benchmark on 26 public repositories; tests/test_accuracy.py runs its code"
    ),
    "HDSLINT_TODAY=2026-12-05 .venv/bin/python bench/accuracy.py ~/corpus-acc"
    " --json accuracy.json": Excluded(
        "a benchmark on 26 public repositories; tests/test_accuracy.py runs its code"
    ),
    "HDSLINT_TODAY=2026-12-05 .venv/bin/python bench/recall.py ~/corpus-acc"
    " --json recall.json": Excluded(
        "a measure on 26 public repositories; tests/test_recall.py runs its code"
    ),
    "HDSLINT_TODAY=2026-12-05 .venv/bin/python bench/sample_findings.py ~/corpus-acc --seed 15"
    " --fail 110 --not-evaluated 30 --keep-reports /tmp/reports"
    " --judged bench/judged-sample.csv --out /tmp/sample.csv": Excluded(
        "samples findings of 26 public repositories; tests/test_sample_findings.py runs its code"
    ),
    ".venv/bin/python bench/bench.py ~/src/your-infra --checkov ~/checkov-venv/bin/checkov": BENCH,
    ".venv/bin/python bench/parser_choice.py ~/src/your-infra --v7-python ~/hcl2-7/bin/python": (
        BENCH
    ),
    "pip install --quiet hdslint": Excluded(
        "installs from PyPI (network); tests/test_gitlab_ci.py checks the package name"
    ),
    # The GitLab CI job: the documented scan of a repository with findings.
    "hdslint scan . -f text -f gitlab-sast=gl-sast-report.json"
    " -f gitlab-codequality=gl-code-quality-report.json -f junit=hdslint-junit.xml": 1,
    "hdslint baseline infra k8s": 0,
    "hdslint scan infra k8s --baseline .hdslint-baseline.json": 0,
    # Cloud exports: the clouds' own tools make them (credentials, network); the workspace
    # holds the Azure export the tests read (tests/sources/exports).
    'az graph query -q "Resources" --first 1000 -o json > azure-resources.json': AZURE_CLI,
    'az graph query -q "Resources" --first 1000 -o json > page-1.json': AZURE_CLI,
    'az graph query -q "Resources" --first 1000 --skip-token "$TOKEN" -o json > page-2.json': (
        AZURE_CLI
    ),
    "jq -s '[.[].data[]]' page-*.json > azure-resources.json": AZURE_CLI,
    "az resource list -o json > azure-resources.json": AZURE_CLI,
    "pip install 'hdslint[azure]'": AZURE_LIVE,
    "az login": AZURE_LIVE,
    "hdslint azure --save inv.json": AZURE_LIVE,
    "hdslint azure --subscriptions 0b1f6471-1bf0-4dda-aec3-111122223333": AZURE_LIVE,
    "hdslint scan inv.json": AZURE_LIVE,
    "pip install 'hdslint[gcp]'": GCP_LIVE,
    "gcloud auth application-default login": GCP_LIVE,
    "hdslint gcp --project ehr-prod --save gcp-inv.json": GCP_LIVE,
    "hdslint gcp --organization 123456789012": GCP_LIVE,
    "hdslint scan gcp-inv.json": GCP_LIVE,
    "hdslint gcp --folder 345678901234 --project hds-staging,ehr-dev": GCP_LIVE,
    "hdslint azure --subscriptions 0b1f6471-1bf0-4dda-aec3-111122223333,7c9e2a10-4b3d-4e8f-9a1b-222233334444": (
        AZURE_LIVE
    ),
    "hdslint scan azure-resources.json": 1,
    "gcloud asset export --project=ehr-prod --content-type=resource"
    " --output-path=gs://ehr-audit/assets.json": GCLOUD,
    "gcloud storage cp gs://ehr-audit/assets.json gcp-assets.json": GCLOUD,
    "gcloud asset search-all-resources --scope=projects/ehr-prod --format=json > gcp-assets.json": (
        GCLOUD
    ),
    "hdslint scan gcp-assets.json": 1,
    "aws configservice deliver-config-snapshot --delivery-channel-name default": AWS_CONFIG,
    "aws s3 cp s3://config-bucket-111122223333/AWSLogs/111122223333/Config/eu-west-3/2026/12/5/"
    "ConfigSnapshot/111122223333_Config_eu-west-3_ConfigSnapshot_20261205T080000Z_3f6c1a2e.json.gz"
    " - | gunzip > config-snapshot.json": AWS_CONFIG,
    "aws configservice select-aggregate-resource-config --configuration-aggregator-name"
    ' org-aggregator --expression "SELECT resourceId, resourceName, resourceType, awsRegion,'
    ' accountId, arn, tags, configuration, supplementaryConfiguration" > aws-config.json': (
        AWS_CONFIG
    ),
    "hdslint scan config-snapshot.json aws-config.json": 1,
    "hdslint scan aws-config.json": 1,
}


def test_every_documented_command_is_covered() -> None:
    shown = {d.command for d in documented_commands()}
    missing = sorted(
        f"{d.file}:{d.line}: {d.command}"
        for d in documented_commands()
        if d.command not in EXPECTED
    )
    assert missing == [], "documented commands with no expected exit code in EXPECTED"
    assert sorted(set(EXPECTED) - shown) == [], "EXPECTED names commands no document shows"


def workspace(root: Path) -> Path:
    """A repository as the documentation assumes it: Terraform with findings in infra/,
    manifests in k8s/, a tfvars file, a custom policy, and the examples."""
    shutil.copytree(ROOT / "examples", root / "examples")
    shutil.copytree(ROOT / "examples" / "terraform" / "noncompliant", root / "infra")
    shutil.copytree(ROOT / "examples" / "kubernetes" / "compliant", root / "k8s")
    shutil.copy(
        ROOT / "tests" / "sources" / "exports" / "azure" / "resource-graph.json",
        root / "azure-resources.json",
    )
    shutil.copy(
        ROOT / "tests" / "sources" / "exports" / "gcp" / "cai-export.json",
        root / "gcp-assets.json",
    )
    shutil.copy(
        ROOT / "tests" / "sources" / "exports" / "awsconfig" / "config-snapshot.json",
        root / "config-snapshot.json",
    )
    shutil.copy(
        ROOT / "tests" / "sources" / "exports" / "awsconfig" / "aggregator-query.json",
        root / "aws-config.json",
    )
    (root / "prod.tfvars").write_text('region = "eu-west-3"\n', "utf-8")
    policy = (ROOT / "policies" / "HDS-LOC-001.yaml").read_text("utf-8")
    (root / "compliance" / "policies").mkdir(parents=True)
    (root / "compliance" / "policies" / "acme-loc.yaml").write_text(
        policy.replace("HDS-LOC-001", "ACME-LOC-001"), "utf-8"
    )
    return root


@pytest.mark.slow
@pytest.mark.usefixtures("aws_env")
def test_documented_commands_run_as_written(tmp_path: Path) -> None:
    seed_account()
    root = workspace(tmp_path / "repo")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    outcomes = []
    for documented in documented_commands():
        expected = EXPECTED.get(documented.command)
        if not isinstance(expected, int):
            continue
        proc = subprocess.run(
            ["bash", "-c", documented.command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert "Traceback" not in proc.stderr, documented
        outcomes.append(
            (f"{documented.file}:{documented.line}", documented.command, proc.returncode)
        )
    assert outcomes == [(where, command, EXPECTED[command]) for where, command, _ in outcomes], (
        "\n".join(f"{w}: exit {c}: {cmd}" for w, cmd, c in outcomes)
    )
