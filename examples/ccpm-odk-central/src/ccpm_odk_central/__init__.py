"""ccpm_odk_central: a ccpm survey source that reads ODK Central forms.

Installed next to ccpm, it adds the source ``odk-central``, which reads a
form's submissions through the OData API of ODK Central::

    ccpm score --source odk-central --server https://central.example.org \\
        --project-id 3 --form-id ccpm_partner

The package is also the worked example of the guide to writing ccpm plugins.
"""

from __future__ import annotations

from ccpm_odk_central.plugin import OdkCentralSource

__all__ = ["OdkCentralSource"]
