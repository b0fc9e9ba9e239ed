"""The one error family that reaches users as a clean, one-line message (exit code 2)."""

from __future__ import annotations


class HdslintError(Exception):
    """An expected error: bad usage, configuration, policy or input. Printed as one line."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ConfigError(HdslintError):
    """The configuration file is missing, unreadable or invalid."""


class PolicyError(HdslintError):
    """A policy file is unreadable or does not follow the policy schema."""


class PolicyProblems(PolicyError):
    """Every problem found in one policy file: `validate-policies` lists them all, a scan
    names the first and how many more."""

    def __init__(self, problems: list[str], *, file: str) -> None:
        first = problems[0]
        if len(problems) > 1:
            first += (
                f" (and {len(problems) - 1} more: `hdslint validate-policies {file}` lists them)"
            )
        super().__init__(first, file=file)
        self.problems = tuple(problems)


class RegistryError(HdslintError):
    """The HDS registry (shipped or overridden in config) is invalid."""
