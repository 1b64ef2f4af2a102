"""Small helpers for the plain-text output of the command line."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str) -> str:
    """Write a count with its English noun, such as '1 partner' or '2 partners'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
