"""The version of ccpm, read by the build backend, ``ccpm --version`` and both packages."""

__all__ = ["__version__"]

__version__ = "0.1.0"
