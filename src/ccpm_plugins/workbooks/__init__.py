"""File-format adapters for workbooks that people edit by hand, such as the action plan."""

__all__: list[str] = []
