"""How much work one root module may cost: evaluation steps, instances, value sizes, time.

A hostile configuration can ask for `count = 100000000`, strings doubled forty times or a
module that calls itself twice at every level (2^32 instances). Each root module is
evaluated under one budget; past it, `BudgetExceeded` unwinds the whole root (try() and
can() do not catch it), the root becomes one input error at the block being evaluated, and
the other roots are still reported.
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass, field
from typing import Any

# Steps between two looks at the clock (time.monotonic() costs more than a step).
_CLOCK_EVERY = 4096


class BudgetExceeded(Exception):
    """A root module asked for more work than its budget allows."""


@dataclass(frozen=True)
class Limits:
    """The bounds of one root module's evaluation (generous for real configurations)."""

    steps: int = 4_000_000  # expression nodes evaluated, plus elements walked by functions
    instances: int = 100_000  # resource and module instances (count, for_each, module calls)
    module_instances: int = 10_000  # of which module instances (each a whole module's state)
    string_chars: int = 8_000_000  # characters in one string (file() reads up to 2 MiB)
    items: int = 1_000_000  # elements in one list or map
    seconds: float = 60.0


DEFAULT_LIMITS = Limits()


@dataclass
class Budget:
    """What one root module has left to spend."""

    limits: Limits = DEFAULT_LIMITS
    steps: int = 0
    instances: int = 0
    module_instances: int = 0
    started: float = field(default_factory=time.monotonic)
    # The block being evaluated (file, line): where an exceeded budget is reported.
    where: tuple[str, int] | None = None

    def step(self, cost: int = 1) -> None:
        before = self.steps
        self.steps += cost
        if self.steps > self.limits.steps:
            raise BudgetExceeded(
                f"evaluation stopped after {self.limits.steps:,} steps (evaluation budget)"
            )
        if before // _CLOCK_EVERY != self.steps // _CLOCK_EVERY:
            elapsed = time.monotonic() - self.started
            if elapsed > self.limits.seconds:
                raise BudgetExceeded(
                    f"evaluation stopped after {self.limits.seconds:g} s (evaluation budget)"
                )

    def add_instances(self, count: int, what: str) -> None:
        self.instances += count
        if self.instances > self.limits.instances:
            raise BudgetExceeded(
                f"{what}: more than {self.limits.instances:,} resource and module instances"
                " in this root module (evaluation budget)"
            )

    def add_module_instances(self, count: int, what: str) -> None:
        self.module_instances += count
        if self.module_instances > self.limits.module_instances:
            raise BudgetExceeded(
                f"{what}: more than {self.limits.module_instances:,} module instances in this"
                " root module (evaluation budget)"
            )

    def check_string(self, chars: int, what: str) -> None:
        if chars > self.limits.string_chars:
            raise BudgetExceeded(
                f"{what}: a string of more than {self.limits.string_chars:,} characters"
                " (evaluation budget)"
            )

    def check_items(self, count: int, what: str) -> None:
        if count > self.limits.items:
            raise BudgetExceeded(
                f"{what}: a collection of more than {self.limits.items:,} elements"
                " (evaluation budget)"
            )

    def check_value(self, value: Any, what: str) -> None:
        """Walk `value` (shared parts counted each time they appear, as an encoder or a
        copy would meet them), charging each element as a step and stopping at the first
        bound passed; a value within bounds costs what it holds."""
        total_chars = 0
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                total_chars += len(item)
                self.check_string(total_chars, what)
            elif isinstance(item, list | tuple):
                self.check_items(len(item), what)
                self.step(len(item))
                stack.extend(item)
            elif isinstance(item, dict):
                self.check_items(len(item), what)
                self.step(len(item))
                total_chars += sum(len(k) for k in item)
                self.check_string(total_chars, what)
                stack.extend(item.values())


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "hdslint_evaluation_budget", default=None
)


def current() -> Budget | None:
    """The budget of the root being evaluated, or None outside one (see `start`)."""
    return _CURRENT.get()


def check_string(chars: int, what: str) -> None:
    """Refuse, before it is built, a string longer than the current budget allows."""
    (current() or Budget()).check_string(chars, what)


def charge_instances(count: float, what: str) -> None:
    """Refuse a count past the instance budget before its instances are built."""
    spent = current()
    if spent is not None and count > 0:
        spent.add_instances(int(min(count, 2**62)), what)


def start(limits: Limits | None = None) -> contextvars.Token[Budget | None]:
    """Give the root about to be evaluated (or one expression evaluated on its own) a
    fresh budget; `finish(token)` afterwards."""
    return _CURRENT.set(Budget(limits or DEFAULT_LIMITS))


def finish(token: contextvars.Token[Budget | None]) -> None:
    _CURRENT.reset(token)
