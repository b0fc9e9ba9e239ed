"""A policy's selector compiled once: which resources the policy looks at, and the same in
words. Each selector key is one criterion class, listed in the one table SELECTION."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hdslint.model import Resource
from hdslint.policy.conditions import Condition, Context, compile_condition


class Criterion(Protocol):
    """One key of a selector: does a resource meet it, and how it reads in a sentence."""

    def matches(self, resource: Resource, ctx: Context) -> bool: ...

    def describe(self, sentence: Sentence) -> None: ...


@dataclass
class Sentence:
    """The selector in words: `Data stores that hold health data, of type ..., on ...`."""

    subject: str = "resources"
    qualifier: str = ""
    clauses: tuple[str, ...] = ()

    def text(self) -> str:
        head = self.subject + self.qualifier
        return ", ".join((head[0].upper() + head[1:], *self.clauses)) + "."


def _names(items: Sequence[str]) -> str:
    return ", ".join(f"`{i}`" for i in items)


@dataclass(frozen=True, slots=True)
class OneOf:
    """`categories`, `providers`, `services`, `sources`: the resource's field is listed."""

    read: Callable[[Resource], str | None]
    values: tuple[str, ...]
    words: str

    @staticmethod
    def of(read: Callable[[Resource], str | None], words: str) -> Callable[[Any], OneOf]:
        return lambda values: OneOf(read, tuple(values), words)

    def matches(self, resource: Resource, ctx: Context) -> bool:
        return self.read(resource) in self.values

    def describe(self, sentence: Sentence) -> None:
        if self.values:
            sentence.clauses += (f"{self.words} {_names(self.values)}",)


@dataclass(frozen=True, slots=True)
class TypeGlobs:
    """`types`: the native type matches one of the globs (`aws_db_*`)."""

    patterns: tuple[str, ...]

    @classmethod
    def compile(cls, value: Any) -> TypeGlobs:
        return cls(tuple(value))

    def matches(self, resource: Resource, ctx: Context) -> bool:
        return any(fnmatch.fnmatchcase(resource.type, t) for t in self.patterns)

    def describe(self, sentence: Sentence) -> None:
        if self.patterns:
            sentence.clauses += (f"of type {_names(self.patterns)}",)


@dataclass(frozen=True, slots=True)
class DataStore:
    """`data_store`: the resource is (or is not) a data store."""

    wanted: bool

    @classmethod
    def compile(cls, value: Any) -> DataStore:
        return cls(bool(value))

    def matches(self, resource: Resource, ctx: Context) -> bool:
        return resource.is_data_store == self.wanted

    def describe(self, sentence: Sentence) -> None:
        sentence.subject = "data stores" if self.wanted else "resources that are not data stores"


@dataclass(frozen=True, slots=True)
class LocatedFlag:
    """`located`: the provider and region are (or are not) both known."""

    wanted: bool

    @classmethod
    def compile(cls, value: Any) -> LocatedFlag:
        return cls(bool(value))

    def matches(self, resource: Resource, ctx: Context) -> bool:
        located = resource.provider is not None and resource.region is not None
        return located == self.wanted

    def describe(self, sentence: Sentence) -> None:
        sentence.clauses += (
            "whose provider and region are known"
            if self.wanted
            else "whose provider or region is not known",
        )


@dataclass(frozen=True, slots=True)
class Where:
    """`where`: a condition the resource must meet (True: "cannot tell" does not select)."""

    condition: Condition

    def matches(self, resource: Resource, ctx: Context) -> bool:
        return self.condition.evaluate(resource, ctx).value is True

    def describe(self, sentence: Sentence) -> None:
        sentence.clauses += ("that meet the `where` condition below",)


@dataclass(frozen=True, slots=True)
class HealthData:
    """`health_data`: the resource holds (or does not hold) health data. A resource whose
    classification cannot be told is reported once, by HDS-DATA-001 (condition
    `classified`), not by every health-data policy."""

    wanted: bool

    @classmethod
    def compile(cls, value: Any) -> HealthData:
        return cls(bool(value))

    def matches(self, resource: Resource, ctx: Context) -> bool:
        health = ctx.health.get(resource.key, False)
        return health is not None and health == self.wanted

    def describe(self, sentence: Sentence) -> None:
        sentence.qualifier = (
            " that hold health data" if self.wanted else " that do not hold health data"
        )


# The one table of selector keys, in the order they are tried (cheap ones first, `where`
# and the classification last): key -> how its criterion is compiled from the YAML value.
SELECTION: Mapping[str, Callable[[Any], Criterion]] = {
    "categories": OneOf.of(lambda r: r.category, "in the categories"),
    "types": TypeGlobs.compile,
    "providers": OneOf.of(lambda r: r.provider, "on"),
    "services": OneOf.of(lambda r: r.service, "of the services"),
    "sources": OneOf.of(lambda r: r.source, "read from"),
    "data_store": DataStore.compile,
    "located": LocatedFlag.compile,
    "where": lambda value: Where(compile_condition(value, "$.select.where")),
    "health_data": HealthData.compile,
}

# How the sentence lists them (the subject and qualifier first, whatever their order).
_DESCRIBED = (
    "data_store",
    "health_data",
    "categories",
    "types",
    "providers",
    "services",
    "sources",
    "located",
    "where",
)


@dataclass(frozen=True)
class Selector:
    """A compiled selector: every criterion must hold."""

    criteria: Mapping[str, Criterion]

    def matches(self, resource: Resource, ctx: Context) -> bool:
        return all(c.matches(resource, ctx) for c in self.criteria.values())

    def describe(self) -> str:
        sentence = Sentence()
        for name in _DESCRIBED:
            criterion = self.criteria.get(name)
            if criterion is not None:
                criterion.describe(sentence)
        return sentence.text()


def compile_selector(select: Mapping[str, Any]) -> Selector:
    """The selector's criteria, in SELECTION's order. A `null` value selects everything
    (`health_data: null`). Raises PolicyMeaningError for an invalid `where`."""
    return Selector(
        {
            name: build(select[name])
            for name, build in SELECTION.items()
            if name in select and select[name] is not None
        }
    )
