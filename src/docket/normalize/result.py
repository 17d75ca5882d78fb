"""The one result shape every normaliser returns: a value, or nothing plus a reason."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Result(NamedTuple, Generic[T]):
    """`value` is the normalised value or None; `reason` says why it is None.

    A few normalisers keep a value *and* set a reason when the value is usable but
    doubtful (a resident-ID number with a bad check digit, a bank account failing Luhn).
    """

    value: T | None
    reason: str | None

    @property
    def ok(self) -> bool:
        """True when there is a value."""
        return self.value is not None


def ok(value: T, caveat: str | None = None) -> Result[T]:
    """A value, optionally with a caveat."""
    return Result(value, caveat)


def fail(reason: str) -> Result[T]:
    """No value, and why."""
    return Result(None, reason)


__all__ = ["Result", "fail", "ok"]
