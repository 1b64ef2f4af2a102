"""Migration scripts, one per schema revision, oldest first."""

__all__: list[str] = []
