"""Errors that the CLI turns into one-line messages with exit status 2."""

from __future__ import annotations


class UsageError(ValueError):
    """Bad input: an unknown claim, an out-of-range dimension, length, sample count or profile.

    The message names the bad value and the valid range, in one line.
    """


def require(condition: bool, message: str) -> None:
    """Raise :class:`UsageError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise UsageError(message)
