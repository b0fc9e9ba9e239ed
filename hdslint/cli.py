"""The command line: parse arguments and dispatch. The work is done in hdslint.commands."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from hdslint import __version__

SEVERITIES = ["critical", "high", "medium", "low", "info", "none"]
FORMATS = ["text", "json"]
ISSUES_URL = "https://github.com/hdslint/hdslint/issues"


class _State:
    debug = False


def _parse_vars(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--var")
        out[name.strip()] = value
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="hdslint")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """hdslint: checks that health data stays with HDS-certified hosts inside the EEA.

    It reads Terraform, Kubernetes manifests and AWS inventories, and reports health-data
    stores (and their replicas, copies and backups) on providers, services or regions that
    no HDS certificate covers, or outside the European Economic Area.

    \b
    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on;
                2 usage, configuration or input error (something could not be checked);
                3 internal error.
    """
    _State.debug = debug


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "-c",
    "--config",
    type=click.Path(path_type=Path),
    help="Configuration file (default: the nearest .hdslint.yaml upward).",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Exit 1 when a finding is at or above this severity "
    "(default: fail_on from the configuration, else low).",
)
@click.option(
    "--var",
    "variables",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a Terraform root-module variable (like terraform -var).",
)
@click.option(
    "--var-file",
    "var_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read Terraform variables from a .tfvars file (like terraform -var-file).",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: on a terminal)."
)
def scan(
    paths: tuple[str, ...],
    output_format: str,
    output: Path | None,
    config: Path | None,
    fail_on: str | None,
    variables: tuple[str, ...],
    var_files: tuple[Path, ...],
    color: bool | None,
) -> int:
    """Scan files and folders (default: the current folder) and report findings."""
    from hdslint.commands.scan import run

    return run(
        paths=list(paths) or ["."],
        output_format=output_format,
        output=output,
        config=config,
        fail_on=fail_on,
        cli_vars=_parse_vars(variables),
        var_files=list(var_files),
        color=color,
    )


@cli.command()
@click.argument("policy_id", required=False)
@click.option(
    "-c",
    "--config",
    type=click.Path(path_type=Path),
    help="Configuration file, to include its policies.",
)
def policies(policy_id: str | None, config: Path | None) -> int:
    """List the policies, or show one with its rationale."""
    from hdslint.commands.policies import run

    return run(policy_id, config)


@cli.command()
@click.argument("provider", required=False)
@click.option(
    "-c",
    "--config",
    type=click.Path(path_type=Path),
    help="Configuration file, to include its registry overrides.",
)
def registry(provider: str | None, config: Path | None) -> int:
    """List the HDS registry's providers, or show one with its sources."""
    from hdslint.commands.registry import run

    return run(provider, config)


def _parse_regions(values: Sequence[str]) -> tuple[str, ...]:
    regions = [r.strip() for item in values for r in item.split(",") if r.strip()]
    return tuple(dict.fromkeys(regions))


@cli.command()
@click.option("--profile", help="AWS profile (default: the standard credential chain).")
@click.option(
    "-r",
    "--region",
    "regions",
    multiple=True,
    metavar="REGION",
    help="Region to read; repeat or separate with commas (default: every enabled region).",
)
@click.option(
    "--role-arn", help="Assume this role first (e.g. a read-only role in a member account)."
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "-c",
    "--config",
    type=click.Path(path_type=Path),
    help="Configuration file (default: the nearest .hdslint.yaml upward from here).",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Exit 1 when a finding is at or above this severity "
    "(default: fail_on from the configuration, else low).",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the inventory (resources, data flows, coverage) to FILE, as JSON "
    "that `hdslint scan FILE` re-evaluates offline.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress on standard error.")
@click.option(
    "--workers",
    type=click.IntRange(1, 128),
    default=16,
    show_default=True,
    help="API calls in flight at once.",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 20),
    default=None,
    help="Attempts per API call, retries included (default: AWS_MAX_ATTEMPTS, else 8).",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: on a terminal)."
)
@click.option(
    "--iam-policy",
    is_flag=True,
    help="Print the read-only IAM policy the scan needs, and exit.",
)
def aws(
    profile: str | None,
    regions: tuple[str, ...],
    role_arn: str | None,
    output_format: str,
    output: Path | None,
    config: Path | None,
    fail_on: str | None,
    save: Path | None,
    quiet: bool,
    workers: int,
    max_attempts: int | None,
    color: bool | None,
    iam_policy: bool,
) -> int:
    """Scan a live AWS account, read-only, in every enabled region.

    Finds the account's data stores and where their data is replicated, copied and backed
    up, evaluates the same policies as `scan`, and reports what could not be read (access
    denied, region not enabled, throttling) as not evaluated. Credentials come from the
    standard AWS chain (environment, --profile, SSO, instance role).
    """
    from hdslint.commands import aws as command

    if iam_policy:
        return command.print_iam_policy()
    return command.run(
        command.AwsOptions(
            profile=profile,
            regions=_parse_regions(regions),
            role_arn=role_arn,
            output_format=output_format,
            output=output,
            config=config,
            fail_on=fail_on,
            save=save,
            quiet=quiet,
            workers=workers,
            max_attempts=max_attempts,
            color=color,
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    from hdslint.errors import HdslintError

    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="hdslint",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("hdslint: aborted", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return 2
    except HdslintError as exc:
        click.echo(f"hdslint: error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        click.echo("hdslint: interrupted", err=True)
        return 130
    except Exception as exc:
        if _State.debug:
            import traceback

            traceback.print_exc()
        click.echo(
            f"hdslint: internal error: {type(exc).__name__}: {exc}. This is a bug; please"
            f" report it at {ISSUES_URL} (run with --debug for the traceback).",
            err=True,
        )
        return 3
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
