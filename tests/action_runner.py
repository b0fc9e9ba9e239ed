"""A small stand-in for the GitHub Actions runner, enough to run action.yml's composite steps
as a runner would: `${{ ... }}` expressions substituted (inputs, github.action_path,
steps.<id>.outputs), `if:` conditions evaluated, the environment files (GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY) created per step and read back, `shell: bash` run as GitHub runs it
(`bash --noprofile --norc -eo pipefail`), the job stopped at the first failing step.

`uses:` steps are not run (no network, no Node): their `with:` is recorded, substituted, so
tests can assert the wiring, and the outputs they would give are supplied by the test.
Unknown expressions raise: the harness never guesses.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_COMPARISON = re.compile(r"^(?P<ref>[\w.-]+)\s*(?P<op>==|!=)\s*'(?P<lit>[^']*)'$")


@dataclass
class StepRun:
    name: str
    skipped: bool = False
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class JobRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    summary: str

    @property
    def failed(self) -> bool:
        return any(s.returncode != 0 for s in self.steps)

    def step(self, name: str) -> StepRun:
        (found,) = [s for s in self.steps if s.name == name]
        return found


def scalar(value: Any) -> str:
    """A YAML scalar as the runner passes it: booleans as `true`/`false`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_env_file(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's format: `name=value` lines, or `name<<DELIM` ... `DELIM` blocks."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            i += 1
            while lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            out[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


class Runner:
    def __init__(
        self,
        action_dir: Path,
        *,
        workspace: Path,
        runner_temp: Path,
        env: Mapping[str, str],
        uses_outputs: Mapping[str, Mapping[str, str]],
    ) -> None:
        self.action_dir = action_dir
        self.action: dict[str, Any] = yaml.safe_load((action_dir / "action.yml").read_text())
        self.workspace = workspace
        self.runner_temp = runner_temp
        self.env = dict(env)
        self.uses_outputs = uses_outputs  # `uses:` action (without @version) -> its outputs

    def _value(self, ref: str, inputs: Mapping[str, str], steps: Mapping[str, StepRun]) -> str:
        parts = ref.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return inputs[parts[1]]
        if ref == "github.action_path":
            return str(self.action_dir)
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            step = steps.get(parts[1])
            return step.outputs.get(parts[3], "") if step else ""
        raise ValueError(f"expression not supported by the test runner: {ref}")

    def substitute(self, text: str, inputs: Mapping[str, str], steps: Mapping[str, StepRun]) -> str:
        return _EXPR.sub(lambda m: self._value(m[1], inputs, steps), text)

    def condition(self, text: str, inputs: Mapping[str, str], steps: Mapping[str, StepRun]) -> bool:
        match = _EXPR.fullmatch(text.strip())
        expression = match[1] if match else text
        result = True
        for part in expression.split("&&"):
            comparison = _COMPARISON.match(part.strip())
            if comparison is None:
                raise ValueError(f"condition not supported by the test runner: {part}")
            value = self._value(comparison["ref"], inputs, steps)
            equal = value == comparison["lit"]
            result = result and (equal if comparison["op"] == "==" else not equal)
        return result

    def run(self, given: Mapping[str, str]) -> JobRun:
        declared = self.action["inputs"]
        unknown = set(given) - set(declared)
        if unknown:
            raise ValueError(f"inputs not declared in action.yml: {sorted(unknown)}")
        inputs = {name: scalar(spec.get("default", "")) for name, spec in declared.items()}
        inputs.update(given)
        by_id: dict[str, StepRun] = {}
        runs: list[StepRun] = []
        summary = ""
        failed = False
        for index, step in enumerate(self.action["runs"]["steps"]):
            run = StepRun(name=step.get("name", f"step {index}"))
            runs.append(run)
            if step.get("id"):
                by_id[step["id"]] = run
            if failed or ("if" in step and not self.condition(step["if"], inputs, by_id)):
                run.skipped = True
                continue
            if "uses" in step:
                run.uses = step["uses"]
                run.with_ = {
                    k: self.substitute(scalar(v), inputs, by_id)
                    for k, v in (step.get("with") or {}).items()
                }
                run.outputs = dict(self.uses_outputs.get(step["uses"].split("@")[0], {}))
                continue
            assert step["shell"] == "bash"
            files = self.runner_temp / "_runner_file_commands" / f"step{index}"
            files.mkdir(parents=True)
            output_file, summary_file = files / "output", files / "summary"
            output_file.touch()
            summary_file.touch()
            env = {
                **self.env,
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_ACTION_PATH": str(self.action_dir),
                "GITHUB_OUTPUT": str(output_file),
                "GITHUB_STEP_SUMMARY": str(summary_file),
                "RUNNER_TEMP": str(self.runner_temp),
            }
            for name, value in (step.get("env") or {}).items():
                env[name] = self.substitute(scalar(value), inputs, by_id)
            script = files / "script.sh"
            script.write_text(self.substitute(step["run"], inputs, by_id))
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            run.returncode, run.stdout, run.stderr = proc.returncode, proc.stdout, proc.stderr
            run.outputs = parse_env_file(output_file.read_text())
            summary += summary_file.read_text()
            failed = proc.returncode != 0
        outputs = {
            name: self.substitute(str(spec["value"]), inputs, by_id)
            for name, spec in (self.action.get("outputs") or {}).items()
        }
        return JobRun(runs, outputs, summary)


def base_env() -> dict[str, str]:
    """The environment a runner gives steps: PATH, HOME and how to reach the package index
    (pip settings, proxies, CA bundles), not the test's own variables."""
    keep = ("PATH", "HOME", "LANG", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE")
    return {
        name: value
        for name, value in os.environ.items()
        if name in keep or name.startswith("PIP_") or name.lower().endswith("_proxy")
    }
