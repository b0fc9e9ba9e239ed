"""Recall: of the data stores a Terraform configuration literally places outside the EEA, how
many hdslint reports.

This is the second measure of issue #15 ("see every store"), computed without hdslint's own
evaluation so that what hdslint misses can show up: its catalogue, its region resolution and
its policies are not used here. For each repository of a corpus (as checked out by
bench/accuracy.py), this script

1. parses every `.tf` file with python-hcl2 and, folder by folder (a folder is one Terraform
   module), lists the resources whose type is in STORE_TYPES below: kinds of resources on
   which, per their provider's documentation, data rests (buckets, databases, disks and the
   machines that own them, queues, caches, logs, search and analytics platforms, backups);
2. keeps those whose region is a literal outside the EEA, read the simple way a reader of the
   code would: the resource's own region argument when it is a string literal (`location =
   "eastus"`, `region = "us-central1"`, a zone `us-central1-a`, Spanner's
   `regional-us-east1`) or a local value that is one (`local.region` with `locals { region =
   "us-east-1" }`), else (AWS and Google) the same of the provider block it uses in the same
   folder (`provider = aws.west` picks the alias; two blocks for one provider and alias: none),
   else a parent resource in the same folder that it names (an Azure container's storage
   account, a BigQuery table's dataset), else the provider's documented default (a BigQuery
   dataset without `location` is in the US). Anything computed (variables, functions, module
   inputs) is left out: this measures the stores whose place nobody can dispute. Resources
   with a literal `count = 0` or `for_each = {}` are left out too, and BigQuery views and
   external tables (a view is a query; an external table's rows rest in the files it reads);
3. runs hdslint on the repository (or reads the JSON report it wrote, `--reports`) and looks
   for a finding on each such store: a finding whose file is the store's file and whose
   resource id is the store's address (with any module prefix or instance key). Each store is
   then **reported** (a `fail`: HDS-LOC-001, a flow or a condition), **not evaluated**
   (hdslint said it cannot tell), or **missed** (no finding at all).

    python bench/recall.py CORPUS                       # the table and the list of misses
    python bench/recall.py CORPUS --json recall.json    # and every store, for machines
    python bench/recall.py CORPUS --reports DIR         # reuse DIR/REPO.json reports

Kinds that hdslint by design does not presume to hold health data (secrets, container
registries: NOT_PRESUMED below) are counted apart, since hdslint reports them only when
tagged; so are objects inside a store (CONTENTS), whose store is what a user acts on.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import hcl2

# -- what holds data, from the providers' documentation -------------------------------------
# Written from the AWS, azurerm and google providers' resource documentation (registry.
# terraform.io/providers/hashicorp/{aws,azurerm,google}/latest/docs), not from hdslint's
# catalogue: a resource is listed when the documented service keeps data at rest (objects,
# rows, messages kept until read, logs, disks, backups, snapshots, images, indexes).
# Configuration-only resources (policies, parameter groups, rules, links) are not.

AWS_STORES = """
aws_s3_bucket aws_s3_directory_bucket aws_s3control_bucket aws_s3tables_table_bucket
aws_db_instance aws_rds_cluster aws_rds_cluster_instance aws_db_snapshot aws_db_cluster_snapshot
aws_db_snapshot_copy aws_db_instance_automated_backups_replication
aws_dynamodb_table aws_dynamodb_table_replica aws_dynamodb_global_table
aws_ebs_volume aws_ebs_snapshot aws_ebs_snapshot_copy aws_instance aws_ami aws_ami_copy
aws_efs_file_system aws_fsx_lustre_file_system aws_fsx_windows_file_system
aws_fsx_ontap_file_system aws_fsx_openzfs_file_system
aws_elasticache_cluster aws_elasticache_replication_group aws_elasticache_serverless_cache
aws_memorydb_cluster aws_dax_cluster
aws_redshift_cluster aws_redshiftserverless_namespace aws_docdb_cluster aws_docdbelastic_cluster
aws_neptune_cluster aws_keyspaces_table aws_qldb_ledger aws_timestreamwrite_table
aws_elasticsearch_domain aws_opensearch_domain aws_opensearchserverless_collection
aws_cloudsearch_domain
aws_sqs_queue aws_kinesis_stream aws_msk_cluster aws_msk_serverless_cluster aws_mq_broker
aws_cloudwatch_log_group aws_cloudtrail_event_data_store
aws_backup_vault aws_glacier_vault
aws_emr_cluster aws_sagemaker_notebook_instance aws_sagemaker_domain aws_workspaces_workspace
aws_lightsail_instance aws_lightsail_database aws_lightsail_disk
"""

AZURE_STORES = """
azurerm_storage_account azurerm_storage_container azurerm_storage_share
azurerm_storage_queue azurerm_storage_table azurerm_storage_data_lake_gen2_filesystem
azurerm_data_lake_store
azurerm_mssql_database azurerm_sql_database azurerm_mssql_managed_instance
azurerm_sql_managed_instance azurerm_mssql_managed_database azurerm_mssql_elasticpool
azurerm_postgresql_server azurerm_postgresql_database azurerm_postgresql_flexible_server
azurerm_postgresql_flexible_server_database azurerm_mysql_server azurerm_mysql_database
azurerm_mysql_flexible_server azurerm_mysql_flexible_database azurerm_mariadb_server
azurerm_mariadb_database azurerm_cosmosdb_account azurerm_cosmosdb_sql_database
azurerm_cosmosdb_sql_container azurerm_cosmosdb_mongo_database azurerm_cosmosdb_mongo_collection
azurerm_cosmosdb_cassandra_keyspace azurerm_cosmosdb_cassandra_table
azurerm_cosmosdb_gremlin_database azurerm_cosmosdb_gremlin_graph azurerm_cosmosdb_table
azurerm_cosmosdb_postgresql_cluster azurerm_mongo_cluster
azurerm_redis_cache azurerm_redis_enterprise_cluster azurerm_managed_redis
azurerm_servicebus_namespace azurerm_servicebus_queue azurerm_servicebus_topic
azurerm_eventhub_namespace azurerm_eventhub azurerm_iothub
azurerm_log_analytics_workspace azurerm_application_insights
azurerm_managed_disk azurerm_snapshot azurerm_image azurerm_shared_image_version
azurerm_linux_virtual_machine azurerm_windows_virtual_machine azurerm_virtual_machine
azurerm_linux_virtual_machine_scale_set azurerm_windows_virtual_machine_scale_set
azurerm_orchestrated_virtual_machine_scale_set
azurerm_recovery_services_vault azurerm_data_protection_backup_vault
azurerm_netapp_volume azurerm_hpc_cache azurerm_managed_lustre_file_system
azurerm_elastic_san azurerm_elastic_san_volume
azurerm_synapse_workspace azurerm_synapse_sql_pool azurerm_kusto_cluster azurerm_kusto_database
azurerm_databricks_workspace azurerm_hdinsight_hadoop_cluster azurerm_hdinsight_spark_cluster
azurerm_hdinsight_hbase_cluster azurerm_hdinsight_kafka_cluster
azurerm_hdinsight_interactive_query_cluster azurerm_search_service
azurerm_machine_learning_workspace
azurerm_healthcare_service azurerm_healthcare_workspace azurerm_healthcare_fhir_service
azurerm_healthcare_dicom_service
"""

GOOGLE_STORES = """
google_storage_bucket
google_sql_database_instance google_sql_database google_bigquery_dataset google_bigquery_table
google_spanner_instance google_spanner_database google_bigtable_instance google_bigtable_table
google_firestore_database google_redis_instance google_redis_cluster google_memcache_instance
google_memorystore_instance google_alloydb_cluster google_alloydb_instance
google_filestore_instance google_parallelstore_instance google_netapp_volume
google_compute_disk google_compute_region_disk google_compute_snapshot google_compute_image
google_compute_instance google_compute_machine_image
google_logging_project_bucket_config google_backup_dr_backup_vault
google_dataproc_cluster google_dataproc_metastore_service google_composer_environment
google_data_fusion_instance google_vertex_ai_index google_vertex_ai_featurestore
google_vertex_ai_dataset google_workbench_instance google_notebooks_instance
google_looker_instance google_healthcare_dataset google_healthcare_fhir_store
google_healthcare_dicom_store google_healthcare_hl7_v2_store
"""

# Objects inside a store (a blob in a container, an object in a bucket): their store is
# reported, and what a user acts on. Counted apart.
CONTENTS = """
azurerm_storage_blob google_storage_bucket_object aws_s3_object aws_s3_bucket_object
"""

# Kinds hdslint does not presume to hold health data (it reports them only when tagged so):
# secrets and container images. Counted apart.
NOT_PRESUMED = """
aws_secretsmanager_secret aws_ecr_repository azurerm_key_vault azurerm_container_registry
google_artifact_registry_repository
"""

STORE_TYPES: frozenset[str] = frozenset((AWS_STORES + AZURE_STORES + GOOGLE_STORES).split())
NOT_PRESUMED_TYPES: frozenset[str] = frozenset(NOT_PRESUMED.split())
CONTENTS_TYPES: frozenset[str] = frozenset(CONTENTS.split())

# Documented defaults when the resource has no region argument and its provider block does not
# apply (google_bigquery_dataset: "The default value is multi-regional location US").
DEFAULT_REGION = {"google_bigquery_dataset": "US"}

# Arguments that name the parent a child resource lives in (documented as "the ID/name of the
# X in which to create ...").
PARENT_ARGUMENTS = (
    "storage_account_id",
    "storage_account_name",
    "server_id",
    "server_name",
    "namespace_id",
    "namespace_name",
    "eventhub_namespace_name",
    "account_name",
    "cosmosdb_account_id",
    "managed_instance_id",
    "cluster_id",
    "workspace_id",
    "dataset_id",
    "instance",
    "instance_name",
    "database",
    "dataset",
    "elastic_san_id",
    "volume_group_id",
    "healthcare_dataset",
    "source_disk",
    "bucket",
)

# -- the EEA, from the providers' region lists --------------------------------------------

AWS_EEA = {"eu-west-1", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2"}
AWS_REGION = re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob)-[a-z]+-\d+$")

# Azure regions outside the EEA (names as `az account list-locations` gives them, spaces
# removed, lower case): the list rather than a pattern, since Azure names have no shape.
AZURE_OUTSIDE_NAMES = """
eastus eastus2 westus westus2 westus3 centralus northcentralus southcentralus westcentralus
canadacentral canadaeast brazilsouth brazilsoutheast mexicocentral chilecentral uksouth ukwest
switzerlandnorth switzerlandwest eastasia southeastasia japaneast japanwest koreacentral
koreasouth australiaeast australiasoutheast australiacentral australiacentral2 centralindia
southindia westindia jioindiawest jioindiacentral southafricanorth southafricawest uaenorth
uaecentral qatarcentral israelcentral newzealandnorth indonesiacentral malaysiawest taiwannorth
eastus2euap centraluseuap usgovvirginia usgovarizona usgovtexas usgoviowa usdodeast
usdodcentral chinaeast chinaeast2 chinaeast3 chinanorth chinanorth2 chinanorth3
"""
AZURE_OUTSIDE = set(AZURE_OUTSIDE_NAMES.split())

GOOGLE_EEA = {
    "europe-west1",
    "europe-west3",
    "europe-west4",
    "europe-west8",
    "europe-west9",
    "europe-west10",
    "europe-west12",
    "europe-north1",
    "europe-north2",
    "europe-central2",
    "europe-southwest1",
    "eu",
    "eur4",
}
GOOGLE_OUTSIDE_PATTERN = re.compile(
    r"^(us|northamerica|southamerica|asia|australia|me|africa)-[a-z]+\d+$"
)
GOOGLE_OUTSIDE = {"europe-west2", "europe-west6", "us", "asia", "nam4", "asia1"}

# The arguments a resource's own region is read from, by provider, first set wins.
RESOURCE_REGION = {
    "aws": ("region",),
    "azurerm": ("location",),
    "google": ("location", "region", "zone", "location_id", "config"),
}


def outside_eea(provider: str, value: str) -> bool | None:
    """True for a region outside the EEA, False inside, None when not a region we know."""
    v = value.strip().lower()
    if provider == "aws":
        if v in AWS_EEA:
            return False
        return True if AWS_REGION.match(v) else None
    if provider == "azurerm":
        v = v.replace(" ", "")
        if v in AZURE_OUTSIDE:
            return True
        return None if not v else (False if _azure_eea(v) else None)
    if provider == "google":
        v = v.removeprefix("regional-")
        zone = re.match(r"^([a-z]+-[a-z]+\d+)-[a-z]$", v)
        if zone:
            v = zone.group(1)
        if v in GOOGLE_EEA:
            return False
        if v in GOOGLE_OUTSIDE or GOOGLE_OUTSIDE_PATTERN.match(v):
            return True
        return None
    return None


def _azure_eea(name: str) -> bool:
    return name.startswith(
        ("westeurope", "northeurope", "france", "germany", "sweden", "norway", "poland", "italy")
    ) or name.startswith(("spain", "austria", "belgium", "denmark", "finland", "greece"))


# -- reading Terraform, the simple way ------------------------------------------------------

_NONE: Mapping[str, str] = {}


def literal(value: Any, constants: Mapping[str, str] = _NONE) -> str | None:
    """The string a python-hcl2 value is when it is a plain literal, or a reference to a
    local value that is one (`local.region` with `locals { region = "us-east-1" }`)."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        return None if "${" in inner or "%{" in inner else inner
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return constants.get(value[2:-1])
    return None


def unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


@dataclass
class Store:
    repo: str
    file: str  # relative to the corpus folder, as hdslint names it
    line: int
    type: str
    name: str
    region: str
    source: str  # where the region was read: resource, provider, parent, default
    group: str = "store"  # store; not_presumed (secrets, images); contents (objects)
    outcome: str = ""  # reported, not_evaluated, input_error, missed
    policies: str = ""  # the policies of its findings
    conditional: bool = False  # count / for_each not literal

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


def _blocks(document: Mapping[str, Any], kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for entry in document.get(kind, []) or []:
        for key, body in entry.items():
            if isinstance(body, dict):
                yield unquote(key), body


def _resources(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for rtype, named in _blocks(document, "resource"):
        for name, body in named.items():
            if isinstance(body, dict):
                yield rtype, unquote(name), body


def _provider_of(rtype: str) -> str:
    return rtype.split("_", 1)[0]


def _provider_region(
    body: Mapping[str, Any], provider: str, constants: Mapping[str, str]
) -> str | None:
    value = literal(body.get("region"), constants)
    if value is None and provider == "google":
        value = literal(body.get("zone"), constants)
    return value


def _own_region(
    rtype: str, body: Mapping[str, Any], constants: Mapping[str, str] = _NONE
) -> tuple[str | None, bool]:
    """(literal region, whether some region argument is set at all)."""
    provider = _provider_of(rtype)
    names = RESOURCE_REGION.get(provider, ())
    for name in names:
        if name in body:
            if name == "config" and rtype != "google_spanner_instance":
                continue
            value = literal(body[name], constants)
            return value, True
    if rtype == "google_bigtable_instance":
        for cluster in body.get("cluster", []) or []:
            if isinstance(cluster, dict) and "zone" in cluster:
                return literal(cluster["zone"], constants), True
    return None, False


def _count_is_zero(body: Mapping[str, Any]) -> bool:
    return body.get("count") == 0 or body.get("for_each") in ({}, [])


def _holds_no_data(rtype: str, body: Mapping[str, Any]) -> bool:
    """A BigQuery view stores no rows (it is a query), an external table's rows rest in the
    files it reads (BigQuery documentation: views, external tables)."""
    return rtype == "google_bigquery_table" and (
        "view" in body or "external_data_configuration" in body
    )


def _conditional(body: Mapping[str, Any]) -> bool:
    return "count" in body or "for_each" in body


REFERENCE = re.compile(r"\b((?:aws|azurerm|google)_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)\b")


def _line_of(text: str, rtype: str, name: str) -> int:
    match = re.search(rf'^[ \t]*resource\s+"{re.escape(rtype)}"\s+"{re.escape(name)}"', text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def stores_in(repo: Path, corpus: Path) -> tuple[list[Store], int]:
    """The stores of repo with a literal region outside the EEA; and how many .tf files could
    not be parsed (left out)."""
    stores: list[Store] = []
    unparsed = 0
    folders: dict[Path, list[Path]] = {}
    for path in sorted(repo.rglob("*.tf")):
        if path.is_file() and not path.is_symlink():
            folders.setdefault(path.parent, []).append(path)
    for files in folders.values():
        documents: list[tuple[Path, str, Mapping[str, Any]]] = []
        for path in files:
            text = path.read_text("utf-8", "replace")
            try:
                documents.append((path, text, hcl2.loads(text)))
            except Exception:  # any parse failure: the file is left out
                unparsed += 1
        stores.extend(_folder_stores(repo, corpus, documents))
    return stores, unparsed


def _folder_stores(
    repo: Path, corpus: Path, documents: Sequence[tuple[Path, str, Mapping[str, Any]]]
) -> list[Store]:
    constants: dict[str, str] = {}  # "local.NAME" -> its literal string
    for _path, _text, document in documents:
        for block in document.get("locals", []) or []:
            for name, value in block.items() if isinstance(block, dict) else ():
                text = literal(value)
                if text is not None:
                    constants[f"local.{name}"] = text
    providers: dict[str, str | None] = {}  # "aws" / "aws.west" -> literal region or None
    for _path, _text, document in documents:
        for pname, body in _blocks(document, "provider"):
            alias = literal(body.get("alias"))
            key = f"{pname}.{alias}" if alias else pname
            providers[key] = (
                _provider_region(body, pname, constants) if key not in providers else None
            )
    # Every resource's literal region (own, or from its provider), for parents.
    located: dict[str, tuple[str, str]] = {}  # address -> (region, source)
    resources = []
    for path, text, document in documents:
        for rtype, name, body in _resources(document):
            resources.append((path, text, rtype, name, body))
            provider = _provider_of(rtype)
            own, has_own = _own_region(rtype, body, constants)
            if own is not None:
                located[f"{rtype}.{name}"] = (own, "resource")
            elif not has_own and provider in ("aws", "google"):
                chosen = body.get("provider")
                key = provider
                if isinstance(chosen, str):
                    key = chosen.removeprefix("${").removesuffix("}")
                region = providers.get(key)
                if region is not None:
                    located[f"{rtype}.{name}"] = (region, "provider")
    out = []
    for path, text, rtype, name, body in resources:
        if rtype in STORE_TYPES:
            group = "store"
        elif rtype in NOT_PRESUMED_TYPES:
            group = "not_presumed"
        elif rtype in CONTENTS_TYPES:
            group = "contents"
        else:
            continue
        if _count_is_zero(body) or _holds_no_data(rtype, body):
            continue
        provider = _provider_of(rtype)
        found = located.get(f"{rtype}.{name}")
        if found is None:
            _own, has_own = _own_region(rtype, body, constants)
            if not has_own:
                found = _parent_region(body, located)
                if found is None and rtype in DEFAULT_REGION:
                    found = (DEFAULT_REGION[rtype], "default")
        if found is None or outside_eea(provider, found[0]) is not True:
            continue
        out.append(
            Store(
                repo=repo.name,
                file=path.relative_to(corpus).as_posix(),
                line=_line_of(text, rtype, name),
                type=rtype,
                name=name,
                region=found[0],
                source=found[1],
                group=group,
                conditional=_conditional(body),
            )
        )
    return out


def _parent_region(
    body: Mapping[str, Any], located: Mapping[str, tuple[str, str]]
) -> tuple[str, str] | None:
    for argument in PARENT_ARGUMENTS:
        value = body.get(argument)
        if not isinstance(value, str):
            continue
        match = REFERENCE.search(value)
        if match and f"{match.group(1)}.{match.group(2)}" in located:
            return located[f"{match.group(1)}.{match.group(2)}"][0], "parent"
    return None


# -- what hdslint said ----------------------------------------------------------------------


def scan(repo: Path, report: Path) -> None:
    """Run hdslint on repo as bench/accuracy.py does, writing its JSON report."""
    argv = [sys.executable, "-m", "hdslint", "scan", repo.name, "--no-cache", "--no-color"]
    argv += ["--fail-on", "none", "-f", f"json={report}"]
    subprocess.run(
        argv, check=False, cwd=repo.parent, stdin=subprocess.DEVNULL, capture_output=True
    )


def judge(stores: Sequence[Store], report: Mapping[str, Any]) -> None:
    unreadable = {e.get("file") for e in report.get("errors", [])}
    by_file: dict[str, list[Mapping[str, Any]]] = {}
    for finding in report.get("findings", []):
        location = finding.get("location") or {}
        by_file.setdefault(location.get("file") or "", []).append(finding)
    for store in stores:
        pattern = re.compile(rf"(^|\.){re.escape(store.address)}(\[[^\]]*\])?$")
        mine = [
            f
            for f in by_file.get(store.file, [])
            if pattern.search(str((f.get("resource") or {}).get("id", "")))
        ]
        statuses = {f["status"] for f in mine}
        store.policies = ",".join(sorted({f"{f['policy_id']}:{f['status']}" for f in mine}))
        if "fail" in statuses:
            store.outcome = "reported"
        elif "not_evaluated" in statuses:
            store.outcome = "not_evaluated"
        elif store.file in unreadable:
            store.outcome = "input_error"
        else:
            store.outcome = "missed"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def table(stores: Sequence[Store], repos: Sequence[str]) -> list[str]:
    lines = [
        "| repository | stores | reported | not evaluated | input error | missed | seen |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals: Counter[str] = Counter()
    for repo in repos:
        mine = [s for s in stores if s.repo == repo and s.group == "store"]
        if mine:
            count = Counter(s.outcome for s in mine)
            totals.update(count)
            lines.append(_table_row(repo, count))
    lines.append(_table_row("**total**", totals))
    return lines


def _table_row(name: str, count: Counter[str]) -> str:
    whole = sum(count.values())
    outcomes = [count[o] for o in ("reported", "not_evaluated", "input_error", "missed")]
    seen = whole - count["missed"]
    return "| " + " | ".join(map(str, [name, whole, *outcomes, _share(seen, whole)])) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path, help="also write every store and its outcome here")
    parser.add_argument("--reports", type=Path, help="read (or write) DIR/REPO.json reports here")
    parser.add_argument("--only", action="append", help="measure only this repository (repeat)")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.resolve()
    repos = sorted(
        (p for p in corpus.iterdir() if p.is_dir() and (not args.only or p.name in args.only)),
        key=lambda p: p.name.lower(),
    )
    stores: list[Store] = []
    unparsed = 0
    with tempfile.TemporaryDirectory(prefix="hdslint-recall-") as tmp:
        reports = args.reports or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        for repo in repos:
            found, bad = stores_in(repo, corpus)
            unparsed += bad
            if found:
                report = reports / f"{repo.name}.json"
                if not report.is_file():
                    scan(repo, report)
                document = json.loads(report.read_text("utf-8")) if report.is_file() else {}
                judge(found, document)
            stores.extend(found)
            print(f"{repo.name}: {len(found)} stores", file=sys.stderr, flush=True)
    out = table(stores, [r.name for r in repos])
    out.append("")
    for group, title in (
        ("not_presumed", "Not presumed health data (secrets, images; counted apart)"),
        ("contents", "Objects inside a store (counted apart)"),
    ):
        apart = Counter(s.outcome for s in stores if s.group == group)
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(apart.items()))
        out.append(f"{title}: {sum(apart.values())} ({outcomes or 'none'})")
    out += [f"Terraform files python-hcl2 could not parse (left out): {unparsed}", ""]
    missed = [s for s in stores if s.outcome == "missed" and s.group == "store"]
    if missed:
        out += ["Missed:", ""]
        out += [
            f"- {s.file}:{s.line} `{s.address}` ({s.region}, from {s.source}"
            + (", count/for_each" if s.conditional else "")
            + ")"
            for s in missed
        ]
    sys.stdout.write("\n".join(out) + "\n")
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in stores], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
