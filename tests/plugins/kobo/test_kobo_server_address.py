"""Server addresses with a user name or password never reach a KoboToolbox message."""

from __future__ import annotations

import pytest

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.kobo.client import normalise_server


@pytest.mark.parametrize(
    "server",
    [
        "ftp://me:hunter2@127.0.0.1",
        "https://me:hunter2@",
        "me:hunter2@kf.kobotoolbox.org",
        "http://me:hunter2@kf.kobotoolbox.org",
        "https://me:hun/ter2@kf.kobotoolbox.org",
    ],
)
def test_address_password_not_echoed(server: str) -> None:
    with pytest.raises(SourceError) as error:
        normalise_server(server)

    assert "hunter2" not in str(error.value)
    assert "hun/ter2" not in str(error.value)
    assert "user name or password" in str(error.value)


def test_address_without_scheme_rejected() -> None:
    with pytest.raises(SourceError) as error:
        normalise_server("127.0.0.1:8000")

    assert "has no scheme" in str(error.value)
    assert "--server https://127.0.0.1:8000" in str(error.value)
