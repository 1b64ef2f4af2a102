"""The ``ccpm`` command line; :mod:`ccpm_plugins.cli.main` holds the root group."""

__all__: list[str] = []
