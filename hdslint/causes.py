"""Why something is not known, as a chain of causes: the one way reasons are nested.

A reason often wraps another: "the region is not known" because "location = var.location",
because "variable 'location' of module.this = azapi_resource.rg.location", because
"random_integer.index.result is only known after apply". `because(outer, inner)` writes the
reason as it always read (`outer: inner`, or `outer (inner)`) and keeps the chain beside the
text, so that a message can give the first and the innermost cause and the JSON report the
whole chain, without ever splitting text (an ARN has colons of its own). Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable

from hdslint.ids import ResourceKey


class Reason(str):
    """A reason that is a chain of causes, outermost first. It is the text it always was (it
    compares, hashes and formats as a `str`); `causes` keeps the chain. A reason built
    from it by formatting is a plain `str` again: only `because` extends a chain.

    `about` is the resource whose unknown value the reason is about, when it is not the
    resource the reason is given for: the destination of a flow."""

    __slots__ = ("about", "causes")
    causes: tuple[str, ...]
    about: ResourceKey | None

    def __new__(
        cls, text: str, causes: tuple[str, ...], about: ResourceKey | None = None
    ) -> Reason:
        made = super().__new__(cls, text)
        made.causes = causes
        made.about = about
        return made

    def __reduce__(
        self,
    ) -> tuple[type[Reason], tuple[str, tuple[str, ...], ResourceKey | None]]:
        # Resources may cross processes (--jobs): the chain travels with the text.
        return (Reason, (str(self), self.causes, self.about))


def causes_of(reason: str) -> tuple[str, ...]:
    """The chain of causes of a reason, outermost first (a plain string: itself)."""
    if isinstance(reason, Reason):
        return reason.causes
    return (str(reason),)


def because(
    outer: str, inner: str, *, parenthesised: bool = False, about: ResourceKey | None = None
) -> Reason:
    """`outer`, because of `inner`: the text reads `outer: inner` (or `outer (inner)`)."""
    text = f"{outer} ({inner})" if parenthesised else f"{outer}: {inner}"
    return Reason(text, (*causes_of(outer), *causes_of(inner)), about or about_of(inner))


def about_of(reason: str) -> ResourceKey | None:
    """The resource a reason is about, when it is not the one it is given for."""
    return reason.about if isinstance(reason, Reason) else None


def innermost(reason: str) -> str:
    """The cause at the bottom of the chain: what must change for the value to be known."""
    return causes_of(reason)[-1]


def short(reason: str) -> str:
    """The first and the innermost cause, for a message a user reads: the middle of the
    chain (how the value travelled) is in the JSON report's `causes`."""
    chain = causes_of(reason)
    if len(chain) <= 2:
        return str(reason)
    return f"{chain[0]}: {chain[-1]}"


def chains(reasons: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The chain of causes of each reason, in order."""
    return tuple(causes_of(r) for r in reasons)
