"""Settings for the whole test suite."""

from __future__ import annotations

import os

# Plugins of other installed distributions must not change what the tests see;
# the tests register the plugins they need themselves.
os.environ["CCPM_PLUGINS"] = ""
