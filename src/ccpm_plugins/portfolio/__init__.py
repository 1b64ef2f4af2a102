"""Many exercises at once: loading them into frames, the annual report and its commands."""

from __future__ import annotations

__all__: list[str] = []
