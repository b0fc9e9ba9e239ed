"""The command line: parse arguments and dispatch. The work is done in hdslint.commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from click.shell_completion import get_completion_class

from hdslint import __version__
from hdslint.errors import HdslintError
from hdslint.printable import log_line
from hdslint.selection import Selection

SEVERITIES = ["critical", "high", "medium", "low", "info", "none"]
FORMATS = [
    "text",
    "json",
    "sarif",
    "github",
    "markdown",
    "junit",
    "gitlab-sast",
    "gitlab-codequality",
]
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


def _check_formats(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """FORMAT[=FILE] with the format's name in any case (`-f SARIF`); the file as given."""
    checked = []
    for value in values:
        name, sep, file = value.partition("=")
        if name.lower() not in FORMATS:
            raise click.BadParameter(
                f"{name!r} is not one of {', '.join(map(repr, FORMATS))} (FORMAT[=FILE])"
            )
        checked.append(f"{name.lower()}{sep}{file}")
    return tuple(checked)


def _parse_ids(values: Sequence[str]) -> tuple[str, ...]:
    """Repeated and comma-separated values (`--check A,B --check C`), each once, in order."""
    items = [item.strip() for value in values for item in value.split(",") if item.strip()]
    return tuple(dict.fromkeys(items))


def _check_severities(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    levels = tuple(level.lower() for level in _parse_ids(values))
    for level in levels:
        if level not in SEVERITIES[:-1]:
            raise click.BadParameter(
                f"{level!r} is not one of {', '.join(map(repr, SEVERITIES[:-1]))}"
            )
    return levels


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        _State.debug = True


def _debug_option() -> click.Option:
    return click.Option(
        ["--debug"],
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show tracebacks of internal errors.",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-v", "-V", "--version", prog_name="hdslint")
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


_Decorator = Callable[[Callable[..., int]], Callable[..., int]]


def _stack(command: Callable[..., int], options: Sequence[_Decorator]) -> Callable[..., int]:
    """`options` applied to `command` as if written above it in this order (so listed in its
    help in this order)."""
    for option in reversed(options):
        command = option(command)
    return command


def _config_option(help: str) -> _Decorator:
    return click.option("-c", "--config", type=click.Path(path_type=Path), help=help)


def _gather(name: str, collect: Callable[[dict[str, Any]], dict[str, Any]]) -> _Decorator:
    """The command receives as `name` what `collect` makes of its shared options, which it
    takes out of the keyword arguments click passes."""

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(command)
        def gathered(**kwargs: Any) -> int:
            shared = collect(kwargs)
            return command(**{name: shared}, **kwargs)

        return gathered

    return decorate


def _scan_input_values(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {
        "config": kwargs.pop("config"),
        "cli_vars": _parse_vars(kwargs.pop("variables")),
        "var_files": list(kwargs.pop("var_files")),
        "repository_config": not kwargs.pop("no_repo_config"),
        "allow_checks_off": kwargs.pop("allow_checks_off"),
    }


def _scan_inputs(command: Callable[..., int]) -> Callable[..., int]:
    """The options shared by `scan`, `baseline` and `report`: what to read and how. The
    command receives `paths`, and the others as `inputs`, its `run`'s keyword arguments."""
    return _stack(
        _gather("inputs", _scan_input_values)(command),
        [
            click.argument("paths", nargs=-1, type=str),
            _config_option("Configuration file (default: the nearest .hdslint.yaml upward)."),
            click.option(
                "--no-repo-config",
                is_flag=True,
                help="Do not look for a .hdslint.yaml in the scanned repository: the defaults,"
                " or --config (in CI: a configuration from a trusted place, not the pull"
                " request).",
            ),
            click.option(
                "--allow-checks-off",
                is_flag=True,
                help="Allow a configuration that turns every shipped policy off or excludes"
                " every input (otherwise an input error, exit 2).",
            ),
            click.option(
                "--var",
                "variables",
                multiple=True,
                metavar="NAME=VALUE",
                help="Set a Terraform root-module variable (like terraform -var).",
            ),
            click.option(
                "--var-file",
                "var_files",
                multiple=True,
                type=click.Path(dir_okay=False, path_type=Path),
                help="Read Terraform variables from a .tfvars file (like terraform -var-file).",
            ),
        ],
    )


def _report_options(format_help: str) -> _Decorator:
    """--format, --output and --fail-on, shared by the commands that report findings."""

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        return _stack(
            command,
            [
                click.option(
                    "-f",
                    "--format",
                    "formats",
                    multiple=True,
                    metavar="FORMAT[=FILE]",
                    callback=_check_formats,
                    help=f"Report format: {', '.join(FORMATS)} (default: text, or github when"
                    f" GITHUB_ACTIONS=true). {format_help}",
                ),
                click.option(
                    "-o",
                    "--output",
                    "outputs",
                    multiple=True,
                    metavar="FILE",
                    help="Write the report to FILE ('-': standard output): the report of the"
                    " one --format given without =FILE.",
                ),
                click.option(
                    "--fail-on",
                    type=click.Choice(SEVERITIES, case_sensitive=False),
                    default=None,
                    help="Exit 1 when a finding is at or above this severity "
                    "(default: fail_on from the configuration, else low).",
                ),
            ],
        )

    return decorate


@cli.command()
@_scan_inputs
@_report_options(
    "Repeat it for several reports from one scan, each with its own file: -f text"
    " -f sarif=hdslint.sarif -f markdown=summary.md ('=-' is standard output)."
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings not in this baseline file (written by `hdslint baseline`);"
    " the others are counted as suppressed.",
)
@click.option(
    "--show-suppressed",
    is_flag=True,
    help="List suppressed and baselined findings too (text and markdown; they are always"
    " counted, and kept as suppressed in json, sarif and junit).",
)
@click.option(
    "--changed",
    is_flag=True,
    help="PATHS are changed files (as pre-commit passes them): scan their folders, with the"
    " Terraform folders calling them for context, and report only findings in those folders.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With `-` (manifests on standard input): the path they stand for, matched against"
    " kubernetes.clusters and shown in findings (default: <stdin>).",
)
@click.option(
    "--check",
    "checks",
    multiple=True,
    metavar="ID[,ID...]",
    help="Evaluate only these policies (repeat, or separate with commas).",
)
@click.option(
    "--skip-check",
    "skip_checks",
    multiple=True,
    metavar="ID[,ID...]",
    help="Do not evaluate these policies (added to policies.disable).",
)
@click.option(
    "--skip-path",
    "skip_paths",
    multiple=True,
    metavar="GLOB",
    help="Do not read files or folders matching GLOB, relative to the current folder"
    " (repeatable; added to exclude).",
)
@click.option(
    "--external-policies",
    "policy_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Also load the policy files in DIR (repeatable; added to policies.paths).",
)
@click.option(
    "--severity",
    "severities",
    multiple=True,
    callback=_check_severities,
    metavar="LEVEL[,LEVEL...]",
    help="Show (and write) only findings of these severities, e.g. critical,high;"
    " --fail-on still decides the exit code from every finding.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Text report: one line per finding, no summary; no progress.",
)
@click.option("--compact", is_flag=True, help="Text report: one line per finding, then the counts.")
@click.option("--no-progress", is_flag=True, help="No progress line on standard error.")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text output (default: on a terminal, unless NO_COLOR is set or TERM=dumb).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse every file again: neither read nor write the parse cache.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Parse in at most N processes (default 0: one per CPU; 1: in this process)."
    " Small inputs are always parsed in this process.",
)
def scan(
    paths: tuple[str, ...],
    inputs: dict[str, Any],
    formats: tuple[str, ...],
    outputs: tuple[str, ...],
    fail_on: str | None,
    baseline: Path | None,
    show_suppressed: bool,
    changed: bool,
    stdin_filename: str | None,
    checks: tuple[str, ...],
    skip_checks: tuple[str, ...],
    skip_paths: tuple[str, ...],
    policy_dirs: tuple[Path, ...],
    severities: tuple[str, ...],
    quiet: bool,
    compact: bool,
    no_progress: bool,
    color: bool | None,
    no_cache: bool,
    jobs: int | None,
) -> int:
    """Scan files and folders (default: the current folder) and report findings.

    `-` reads Kubernetes manifests from standard input: `helm template ... | hdslint scan -`.
    """
    from hdslint.commands.scan import run

    return run(
        paths=list(paths) if changed else list(paths) or ["."],
        **inputs,
        formats=formats,
        outputs=outputs,
        fail_on=fail_on,
        color=color,
        baseline=baseline,
        changed=changed,
        stdin_filename=stdin_filename,
        cache=not no_cache,
        jobs=jobs,
        show_suppressed=show_suppressed,
        selection=Selection(
            checks=_parse_ids(checks),
            skip_checks=_parse_ids(skip_checks),
            skip_paths=skip_paths,
            policy_dirs=policy_dirs,
        ),
        severities=severities,
        layout="quiet" if quiet else "compact" if compact else "full",
        progress=not (quiet or no_progress),
    )


@cli.command()
@_scan_inputs
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".hdslint-baseline.json"),
    show_default=True,
    help="Baseline file to write.",
)
def baseline(paths: tuple[str, ...], inputs: dict[str, Any], output: Path) -> int:
    """Write the current findings to a baseline file, so later scans run with
    `--baseline FILE` (or `baseline:` in .hdslint.yaml) report only new ones."""
    from hdslint.commands.baseline import run

    return run(paths=list(paths) or ["."], **inputs, output=output)


@cli.command("validate-policies")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_config_option("Configuration file (to know whether the shipped policies are loaded).")
def validate_policies(files: tuple[Path, ...], config: Path | None) -> int:
    """Check custom policy files (or folders of them): YAML, schema, meaning, unique ids."""
    from hdslint.commands.validate_policies import run

    return run(list(files), config)


@cli.command()
@_scan_inputs
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["markdown", "html"], case_sensitive=False),
    default="markdown",
    show_default=True,
    help="Report format (HTML is one self-contained page).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Findings in this baseline file are listed as suppressions, as `scan --baseline`"
    " counts them.",
)
def report(
    paths: tuple[str, ...],
    inputs: dict[str, Any],
    output_format: str,
    output: Path | None,
    baseline: Path | None,
) -> int:
    """Scan, then write the report an HDS auditor asks for: per activity, the providers,
    services and regions relied on and the certificates covering them; what is left to you;
    the health-data flows; every finding with its evidence, everything not evaluated, and
    every suppression with its reason, expiry and where it is written.

    Exits 0 once the report is written (2 if an input could not be read)."""
    from hdslint.commands.report import run

    return run(
        paths=list(paths) or ["."],
        **inputs,
        output_format=output_format,
        output=output,
        baseline=baseline,
    )


@cli.command()
@click.argument("args", nargs=-1, metavar="[show] [ID]")
@_config_option("Configuration file, to include its policies.")
def policies(args: tuple[str, ...], config: Path | None) -> int:
    """List the policies, or show one (`policies show ID`) with its rationale."""
    from hdslint.commands.policies import run

    return run(args, config)


@cli.command()
@click.argument("args", nargs=-1, metavar="[show] [PROVIDER]")
@_config_option("Configuration file, to include its registry overrides.")
def registry(args: tuple[str, ...], config: Path | None) -> int:
    """List the HDS registry's providers, or show one (`registry show PROVIDER`) with its
    scope, validity, sources and confidence. Warns when the registry is older than
    registry.max_age_days (default 180)."""
    from hdslint.commands.registry import run

    return run(args, config)


# The live commands' shared options that `LiveOptions` takes as they are given.
_LIVE_FIELDS = ("formats", "outputs", "config", "fail_on", "save", "deadline", "color")


def _live_values(kwargs: dict[str, Any]) -> dict[str, Any]:
    live = {field: kwargs.pop(field) for field in _LIVE_FIELDS}
    live["repository_config"] = not kwargs.pop("no_repo_config")
    quiet, no_progress = kwargs.pop("quiet"), kwargs.pop("no_progress")
    live["quiet"] = quiet or no_progress
    return live


def _live_options(
    name: str,
    *,
    inventory: str,
    default_deadline: str,
    unread: str,
    tuning: Sequence[_Decorator] = (),
) -> _Decorator:
    """The options every live command (`aws`, `azure`, `gcp`) shares, listed in its help in
    this order: the reports, the configuration, --save (the inventory holds `inventory`),
    the progress, the command's own `tuning`, --deadline (`unread`: what is reported as not
    evaluated) and the colour. The command receives them as `live`, the keyword
    arguments of `hdslint.commands.live.LiveOptions`."""

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        return _stack(
            _gather("live", _live_values)(command),
            [
                _report_options(
                    "A text report ends with the coverage table. Repeat it for several"
                    f" reports: -f text -f json={name}.json."
                ),
                _config_option(
                    "Configuration file (default: the nearest .hdslint.yaml upward from here)."
                ),
                click.option(
                    "--no-repo-config",
                    is_flag=True,
                    help="Do not look for a .hdslint.yaml upward from here: the defaults, or"
                    " --config.",
                ),
                click.option(
                    "--save",
                    type=click.Path(dir_okay=False, path_type=Path),
                    help=f"Also write the inventory ({inventory}) to FILE, as JSON that"
                    " `hdslint scan FILE` re-evaluates offline.",
                ),
                click.option("-q", "--quiet", is_flag=True, help="No progress on standard error."),
                click.option(
                    "--no-progress",
                    is_flag=True,
                    help="No progress on standard error (as for scan).",
                ),
                *tuning,
                click.option(
                    "--deadline",
                    type=click.IntRange(min=1),
                    default=None,
                    metavar="SECONDS",
                    help=f"Stop reading after this long (default: {default_deadline}); {unread}"
                    " reported as not evaluated.",
                ),
                click.option(
                    "--color/--no-color",
                    default=None,
                    help="Colour the text output (default: on a terminal).",
                ),
            ],
        )

    return decorate


@cli.command()
@click.option(
    "--profile", metavar="NAME", help="AWS profile (default: the standard credential chain)."
)
@click.option(
    "-r",
    "--region",
    "regions",
    multiple=True,
    metavar="REGION",
    help="Region to read; repeat or separate with commas (default: every enabled region).",
)
@click.option(
    "--role-arn",
    metavar="ARN",
    help="Assume this role first (e.g. a read-only role in a member account).",
)
@click.option(
    "--org",
    "organization",
    is_flag=True,
    help="Every active account of the AWS Organization (run from the management account or"
    " a delegated administrator), each entered through the role --role-name.",
)
@click.option(
    "--accounts",
    "accounts",
    multiple=True,
    metavar="ID,...",
    help="Only these accounts (with --org: of those it lists; without: entered directly).",
)
@click.option(
    "--role-name",
    metavar="NAME",
    help="With --org or --accounts: the role to assume in each account"
    " (arn:aws:iam::ACCOUNT:role/NAME).",
)
@_live_options(
    "aws",
    inventory="resources, data flows, coverage",
    default_deadline="1800, half an hour",
    unread="what is not read by then is",
    tuning=[
        click.option(
            "--workers",
            type=click.IntRange(1, 128),
            default=16,
            show_default=True,
            help="API calls in flight at once.",
        ),
        click.option(
            "--max-attempts",
            type=click.IntRange(1, 20),
            default=None,
            help="Attempts per API call, retries included (default: AWS_MAX_ATTEMPTS, else 4).",
        ),
    ],
)
@click.option(
    "--iam-policy",
    is_flag=True,
    help="Print the read-only IAM policy the scan needs, and exit.",
)
def aws(
    live: dict[str, Any],
    profile: str | None,
    regions: tuple[str, ...],
    role_arn: str | None,
    organization: bool,
    accounts: tuple[str, ...],
    role_name: str | None,
    workers: int,
    max_attempts: int | None,
    iam_policy: bool,
) -> int:
    """Scan a live AWS account, read-only, in every enabled region.

    Finds the account's data stores and where their data is replicated, copied and backed
    up, evaluates the same policies as `scan`, and reports what could not be read (access
    denied, region not enabled, throttling) as not evaluated. Credentials come from the
    standard AWS chain (environment, --profile, SSO, instance role). With --org (or
    --accounts), every account of an AWS Organization is read through --role-name and
    reported together, with a coverage row per account.
    """
    from hdslint.commands import aws as command

    if iam_policy:
        return command.print_iam_policy()
    return command.run(
        command.AwsOptions(
            **live,
            profile=profile,
            regions=_parse_ids(regions),
            role_arn=role_arn,
            workers=workers,
            max_attempts=max_attempts,
            organization=organization,
            accounts=_parse_ids(accounts),
            role_name=role_name,
        )
    )


@cli.command()
@click.option(
    "--subscriptions",
    "subscriptions",
    multiple=True,
    metavar="ID,...",
    help="Only these subscriptions (default: every subscription the credential can read).",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Azure Resource Manager endpoint (default: https://management.azure.com; e.g."
    " https://management.usgovcloudapi.net for a sovereign cloud).",
)
@_live_options(
    "azure",
    inventory="the Resource Graph answer, every page, with which subscriptions were read",
    default_deadline="900",
    unread="subscriptions not read by then are",
)
def azure(live: dict[str, Any], subscriptions: tuple[str, ...], endpoint: str | None) -> int:
    """Scan live Azure subscriptions, read-only, through Resource Graph.

    Lists every subscription the credential can read (or --subscriptions), reads their
    resources with one Resource Graph query (every page), evaluates the same policies as
    `scan`, and reports each subscription that could not be read as not evaluated.
    Credentials come from the Azure SDK's standard chain (`az login`, a service principal's
    AZURE_* variables, managed identity); the Reader role is enough. Needs the `azure`
    extra: pip install 'hdslint[azure]'.
    """
    from hdslint.commands import azure as command

    return command.run(
        command.AzureOptions(**live, subscriptions=_parse_ids(subscriptions), endpoint=endpoint)
    )


@cli.command()
@click.option(
    "--organization",
    "organizations",
    multiple=True,
    metavar="ID,...",
    help="Every project of this organization (its number).",
)
@click.option(
    "--folder",
    "folders",
    multiple=True,
    metavar="ID,...",
    help="Every project under this folder (its number).",
)
@click.option(
    "--project",
    "projects",
    multiple=True,
    metavar="ID,...",
    help="This project (its id or number); repeat or separate with commas.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Cloud Asset API endpoint (default: https://cloudasset.googleapis.com).",
)
@_live_options(
    "gcp",
    inventory="the assets of every scope, with which scopes were read",
    default_deadline="900",
    unread="scopes not read by then are",
)
def gcp(
    live: dict[str, Any],
    organizations: tuple[str, ...],
    folders: tuple[str, ...],
    projects: tuple[str, ...],
    endpoint: str | None,
) -> int:
    """Scan live Google Cloud, read-only, through Cloud Asset Inventory.

    Lists the resources of an organization, folder or project (Cloud Asset Inventory's
    ListAssets, every page), evaluates the same policies as `scan`, and reports each scope
    that could not be read as not evaluated. Credentials are Application Default Credentials
    (`gcloud auth application-default login`, GOOGLE_APPLICATION_CREDENTIALS); the role
    Cloud Asset Viewer is enough. Needs the `gcp` extra: pip install 'hdslint[gcp]'.
    """
    from hdslint.commands import gcp as command

    return command.run(
        command.GcpOptions(
            **live,
            organizations=_parse_ids(organizations),
            folders=_parse_ids(folders),
            projects=_parse_ids(projects),
            endpoint=endpoint,
        )
    )


_CONFIG_OPTION = _config_option(
    "Configuration file (default: the nearest .hdslint.yaml upward), for its cache keys."
)


@cli.group()
def cache() -> None:
    """The parse cache: files whose bytes have not changed are not parsed again.

    It lives in $HDSLINT_CACHE_DIR, else $XDG_CACHE_HOME/hdslint, else ~/.cache/hdslint.
    """


@cache.command("info")
@_CONFIG_OPTION
def cache_info(config: Path | None) -> int:
    """Where the cache is, how big, and how it is pruned."""
    from hdslint.commands import cache as command

    return command.info(config)


@cache.command("clear")
@_CONFIG_OPTION
def cache_clear(config: Path | None) -> int:
    """Remove every cache entry."""
    from hdslint.commands import cache as command

    return command.clear(config)


@cache.command("prune")
@_CONFIG_OPTION
@click.option(
    "--max-age-days",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    help="Remove entries not used for this many days.",
)
@click.option(
    "--max-size-mb",
    type=click.IntRange(min=0),
    default=512,
    show_default=True,
    help="Then remove the least recently used entries while the cache is bigger.",
)
def cache_prune(config: Path | None, max_age_days: float, max_size_mb: int) -> int:
    """Remove old entries now (scans do it by themselves once a day)."""
    from hdslint.commands import cache as command

    return command.prune(config, max_age_days, max_size_mb)


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"], case_sensitive=False))
def completion(shell: str) -> int:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    \b
    bash: eval "$(hdslint completion bash)"    (in ~/.bashrc)
    zsh:  eval "$(hdslint completion zsh)"     (in ~/.zshrc)
    fish: hdslint completion fish > ~/.config/fish/completions/hdslint.fish
    """
    completer = get_completion_class(shell)
    assert completer is not None  # the three shells click ships
    script = completer(cli, {}, "hdslint", "_HDSLINT_COMPLETE").source()
    click.echo(script)
    return 0


def _accept_debug_everywhere(group: click.Group) -> None:
    """`--debug` after the subcommand too (`hdslint scan --debug infra`)."""
    for command in group.commands.values():
        command.params.append(_debug_option())
        if isinstance(command, click.Group):
            _accept_debug_everywhere(command)


_accept_debug_everywhere(cli)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="hdslint",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:  # click's form of Ctrl-C (KeyboardInterrupt)
        click.echo("hdslint: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        # Its message can quote a file name or an argument: shown on one line.
        message = log_line(exc.format_message())
        if isinstance(exc, click.UsageError):
            click.UsageError(message, ctx=exc.ctx).show()
        else:
            click.ClickException(message).show()
        return 2
    except HdslintError as exc:
        click.echo(log_line(f"hdslint: error: {exc}"), err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        click.echo("hdslint: interrupted", err=True)
        return 130
    except Exception as exc:
        if _State.debug:
            import traceback  # an exception of tests/test_imports.py: a crash under --debug only

            traceback.print_exc()
        click.echo(
            log_line(
                f"hdslint: internal error: {type(exc).__name__}: {exc}. This is a bug; please"
                f" report it at {ISSUES_URL} (run with --debug for the traceback)."
            ),
            err=True,
        )
        return 3
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
