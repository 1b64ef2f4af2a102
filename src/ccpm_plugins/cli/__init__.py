"""The ``ccpm`` command line. :mod:`ccpm_plugins.cli.main` contains the root group."""

__all__: list[str] = []
