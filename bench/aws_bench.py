"""Benchmark of the live AWS scan: parallel collector vs the same calls made one by one.

A moto server runs in a subprocess on 127.0.0.1; an account is seeded with data stores in
every scanned region; each HTTP request then waits an injected round trip (a before-send
sleep, 50 ms by default: a European client calling a European region is 10-40 ms, another
continent 100-300 ms). Measured:

1. `hdslint.sources.aws.collector.collect` with the default worker count;
2. the same collector with one worker;
3. a sequential enumeration of exactly the calls the scan made (same operations and
   parameters, pages included, one thread, clients created as needed): what a plain
   script looping over regions and services would do.

The ratio 3 / 1 is the speed-up (target: at least 8x). Run from the repository root:

    .venv/bin/python bench/aws_bench.py                  # 17 regions, 50 ms, 16 workers
    .venv/bin/python bench/aws_bench.py --latency-ms 100 --workers 32
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

# The regions AWS enables by default in a new account (no opt-in).
DEFAULT_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
)

# Read operations moto does not implement, answered as AWS answers an account without such
# resources, so that both sides of the benchmark make the same calls at the same cost.
MOTO_GAPS: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {
    ("elasticache", "DescribeServerlessCaches"): (200, {"ServerlessCaches": []}),
    ("rds", "DescribeDBClusterAutomatedBackups"): (200, {"DBClusterAutomatedBackups": []}),
    ("backup", "ListBackupSelections"): (200, {"BackupSelectionsList": []}),
    ("efs", "DescribeReplicationConfigurations"): (
        404,
        {"Error": {"Code": "ReplicationNotFound", "Message": "none"}},
    ),
}


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1).read()
            return proc, endpoint
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("moto server did not start") from None
            time.sleep(0.1)


def seed(regions: tuple[str, ...]) -> None:
    """Data stores in every region: buckets, a table, a queue, a topic, a log group, a
    secret, a volume and its snapshot, a vault, a repository; databases and backup plans
    in a few regions."""
    import boto3

    account = "123456789012"
    for i, region in enumerate(regions):
        s3 = boto3.client("s3", region_name=region)
        for n in range(2):
            name = f"bench-{region}-{n}"
            if region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(
                    Bucket=name, CreateBucketConfiguration={"LocationConstraint": region}
                )
        s3.put_bucket_tagging(
            Bucket=f"bench-{region}-0", Tagging={"TagSet": [{"Key": "app", "Value": "ehr"}]}
        )
        boto3.client("dynamodb", region_name=region).create_table(
            TableName="visits",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        boto3.client("sqs", region_name=region).create_queue(QueueName="events")
        boto3.client("sns", region_name=region).create_topic(Name="alerts")
        boto3.client("logs", region_name=region).create_log_group(logGroupName="app")
        boto3.client("secretsmanager", region_name=region).create_secret(
            Name="db", SecretString="not-read-by-hdslint"
        )
        ec2 = boto3.client("ec2", region_name=region)
        volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=8)["VolumeId"]
        ec2.create_snapshot(VolumeId=volume)
        backup = boto3.client("backup", region_name=region)
        backup.create_backup_vault(BackupVaultName="daily")
        boto3.client("ecr", region_name=region).create_repository(repositoryName="api")
        if i % 6 == 0:
            boto3.client("rds", region_name=region).create_db_instance(
                DBInstanceIdentifier="patients",
                DBInstanceClass="db.t3.micro",
                Engine="postgres",
                MasterUsername="admin_user",
                MasterUserPassword="not-a-real-password",
                AllocatedStorage=20,
            )
            backup.create_backup_plan(
                BackupPlan={
                    "BackupPlanName": "daily",
                    "Rules": [
                        {
                            "RuleName": "daily",
                            "TargetBackupVaultName": "daily",
                            "CopyActions": [
                                {
                                    "DestinationBackupVaultArn": (
                                        f"arn:aws:backup:eu-central-1:{account}:backup-vault:daily"
                                    )
                                }
                            ],
                        }
                    ],
                }
            )


def session(latency: float, log: list[tuple[str, str, str, dict[str, Any]]] | None) -> Any:
    import boto3
    from botocore.awsrequest import AWSResponse

    s = boto3.Session()

    def record(model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if log is not None:
            key = (model.service_model.service_name, model.name)
            log.append((*key, context.get("client_region", ""), dict(params)))

    def before_call(model: Any, **_: Any) -> Any:
        key = (model.service_model.service_name, model.name)
        if key in MOTO_GAPS:
            status, body = MOTO_GAPS[key]
            return AWSResponse("https://gap", status, {}, None), {
                **body,
                "ResponseMetadata": {"HTTPStatusCode": status},
            }
        return None

    def round_trip(**_: Any) -> None:
        time.sleep(latency)

    s.events.register("before-parameter-build", record)
    s.events.register("before-call", before_call)
    s.events.register("before-send", round_trip)
    return s


def scan(regions: tuple[str, ...], workers: int, latency: float, log: list[Any] | None) -> float:
    from hdslint.sources.aws.collector import AwsScanSettings, collect

    start = time.perf_counter()
    collect(AwsScanSettings(regions=regions, workers=workers), session=session(latency, log))
    return time.perf_counter() - start


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far by this process (all threads) or by another one (Linux)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def replay(calls: list[tuple[str, str, str, dict[str, Any]]], latency: float) -> float:
    """The same calls, one after the other, in one thread."""
    from botocore import xform_name
    from botocore.config import Config
    from botocore.exceptions import ClientError

    s = session(latency, None)
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    clients: dict[tuple[str, str], Any] = {}
    start = time.perf_counter()
    for service, operation, region, params in calls:
        client = clients.get((service, region))
        if client is None:
            client = clients[(service, region)] = s.client(
                service, region_name=region, config=config
            )
        # An error answer (e.g. "no tags configured") is what the scan saw too.
        with contextlib.suppress(ClientError):
            getattr(client, xform_name(operation))(**params)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--regions", type=int, default=len(DEFAULT_REGIONS))
    parser.add_argument("--repeat", type=int, default=3, help="scans to take the median of")
    parser.add_argument(
        "--single", action="store_true", help="also time the collector with one worker"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 below the 8x target")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    regions = DEFAULT_REGIONS[: args.regions]
    latency = args.latency_ms / 1000
    proc, endpoint = start_moto()
    single = None
    try:
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": "eu-west-3",
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_MAX_ATTEMPTS": "1",
            }
        )
        seed(regions)
        scan(regions, args.workers, 0.0, None)  # warm moto's backends and the disk cache
        calls: list[tuple[str, str, str, dict[str, Any]]] = []
        cpu_before = cpu_seconds(), cpu_seconds(proc.pid)
        runs = [scan(regions, args.workers, latency, calls)]
        cpu_scan = cpu_seconds() - cpu_before[0], cpu_seconds(proc.pid) - cpu_before[1]
        runs += [scan(regions, args.workers, latency, None) for _ in range(args.repeat - 1)]
        parallel = statistics.median(runs)
        sequential = replay(calls, latency)
        if args.single:
            single = scan(regions, 1, latency, None)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    clients = len({(s, r) for s, _, r, _ in calls})
    ratio = sequential / parallel
    shown = ", ".join(f"{t:.1f}" for t in runs)
    print(
        f"hdslint aws benchmark: {len(regions)} regions x {15} services,"
        f" {args.latency_ms:.0f} ms per request, moto server on 127.0.0.1"
    )
    print(f"  API calls made by the scan             {len(calls)} ({clients} clients)")
    print(f"  scan, {args.workers} workers (median)          {parallel:6.1f} s   [{shown}]")
    if single is not None:
        print(f"  scan, 1 worker                         {single:6.1f} s")
    print(f"  same calls made one by one             {sequential:6.1f} s")
    print(f"  speed-up (one by one / scan)           {ratio:6.1f}x (target: 8x)")
    print(
        f"  CPU used by one scan                   {cpu_scan[0]:.1f} s (hdslint),"
        f" {cpu_scan[1]:.1f} s (moto server)"
    )
    load = os.getloadavg()[0]
    print(f"  load average while it ran              {load:.1f} on {os.cpu_count()} CPUs")
    return 1 if args.check and ratio < 8 else 0


if __name__ == "__main__":
    sys.exit(main())
