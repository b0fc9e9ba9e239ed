"""Generate a realistic Terraform + Kubernetes tree of any size, for bench/bench.py.

Each "unit" is one team's infrastructure repository, laid out the way real ones are:

    unit-0007/
      modules/storage/    S3 buckets (for_each), versioning, KMS, cross-region replication
      modules/database/   RDS (count), a read replica and a snapshot copy in another region
      modules/backup/     Backup vault, plan with a copy action to a vault elsewhere
      modules/network/    VPC, subnets (count), security groups with dynamic blocks
      envs/prod/          root module: providers with aliases, variables, terraform.tfvars,
      envs/staging/       locals, module calls passing providers = { aws.replica = ... }
      k8s/                Deployment, Service, StatefulSet + PVC, StorageClass (multi-doc)

and a `.hdslint.yaml` at the top that maps the manifests to an EKS cluster in eu-west-3.

Regions, names, counts and optional blocks vary with a seeded random generator, so the
same (units, seed) always gives the same files. Some units put replicas or backups
outside the EEA, so scans have findings to report. 31 files per unit (27 Terraform): 161 units
make a 5,000-file corpus.

    python bench/generate.py OUT_DIR --files 5000 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from terraform_templates import (  # bench/ is not a package: found through sys.path
    TEAMS,
    backup_module,
    database_module,
    dedent,
    environment,
    network_module,
    storage_module,
)

FILES_PER_UNIT = 31


def kubernetes(rng: random.Random, team: str) -> dict[str, str]:
    replicas = rng.randrange(1, 5)
    size = rng.choice(["10Gi", "50Gi", "100Gi"])
    return {
        "deployment.yaml": dedent(
            f"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {team}-api
              namespace: {team}
              labels:
                app: {team}-api
            spec:
              replicas: {replicas}
              selector:
                matchLabels:
                  app: {team}-api
              template:
                metadata:
                  labels:
                    app: {team}-api
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/{team}/api:1.{rng.randrange(0, 40)}.0
                      ports:
                        - containerPort: 8080
                      resources:
                        requests:
                          cpu: 250m
                          memory: 256Mi
            """
        ),
        "service.yaml": dedent(
            f"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {team}-api
              namespace: {team}
            spec:
              selector:
                app: {team}-api
              ports:
                - port: 80
                  targetPort: 8080
            """
        ),
        "statefulset.yaml": dedent(
            f"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: {team}-db
              namespace: {team}
            spec:
              serviceName: {team}-db
              replicas: 1
              selector:
                matchLabels:
                  app: {team}-db
              template:
                metadata:
                  labels:
                    app: {team}-db
                spec:
                  containers:
                    - name: postgres
                      image: postgres:15
                      volumeMounts:
                        - name: data
                          mountPath: /var/lib/postgresql/data
              volumeClaimTemplates:
                - metadata:
                    name: data
                  spec:
                    accessModes: ["ReadWriteOnce"]
                    storageClassName: encrypted-gp3
                    resources:
                      requests:
                        storage: {size}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: {team}-uploads
              namespace: {team}
            spec:
              accessModes: ["ReadWriteMany"]
              storageClassName: encrypted-gp3
              resources:
                requests:
                  storage: {size}
            """
        ),
        "storageclass.yaml": dedent(
            """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: encrypted-gp3
            provisioner: ebs.csi.aws.com
            parameters:
              type: gp3
              encrypted: "true"
            volumeBindingMode: WaitForFirstConsumer
            """
        ),
    }


_DESCRIBED = re.compile(r'^(variable|output) "([a-z_]+)" \{\n(?!  description)', re.M)


def _describe(text: str) -> str:
    """Give every variable and output a description, as published modules do."""

    def add(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        words = name.replace("_", " ")
        what = "Value passed in as" if kind == "variable" else "Exposes"
        return f'{match.group(0)}  description = "{what} {words}: see the module README."\n'

    return _DESCRIBED.sub(add, text)


def unit_files(index: int, seed: int) -> dict[str, str]:
    """The files of unit `index` (relative path -> text)."""
    rng = random.Random(seed * 1_000_003 + index)
    team = f"{rng.choice(TEAMS)}{index}"
    files: dict[str, str] = {}
    for name, make in (
        ("storage", storage_module),
        ("database", database_module),
        ("backup", backup_module),
        ("network", network_module),
    ):
        for file, text in make(rng).items():
            files[f"modules/{name}/{file}"] = _describe(text)
    for env in ("prod", "staging"):
        for file, text in environment(rng, team, env).items():
            files[f"envs/{env}/{file}"] = _describe(text)
    for file, text in kubernetes(rng, team).items():
        files[f"k8s/{file}"] = text
    return files


def generate(out: Path, files: int, seed: int = 1) -> int:
    """Write a corpus of about `files` files into `out` (replacing it); return the count."""
    if out.exists():
        shutil.rmtree(out)
    units = max(1, round(files / FILES_PER_UNIT))
    out.mkdir(parents=True)
    # Manifests rarely say where they run: the configuration maps them to their cluster.
    (out / ".hdslint.yaml").write_text(
        dedent(
            """
            kubernetes:
              clusters:
                - paths: ["unit-*/k8s/**"]
                  provider: aws
                  region: eu-west-3
            """
        ),
        encoding="utf-8",
    )
    written = 0
    for index in range(units):
        for rel, text in unit_files(index, seed).items():
            path = out / f"unit-{index:04d}" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=500, help="about this many files")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = generate(args.out, args.files, args.seed)
    print(f"{count} files in {args.out}")


if __name__ == "__main__":
    main()
