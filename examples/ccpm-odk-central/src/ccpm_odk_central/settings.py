"""Settings of the source: the server address, the form and the credentials.

Every secret comes from an environment variable whose name the user may
choose. A message names the variable, never its value, and the secret
attributes are left out of every ``repr``.
"""

from __future__ import annotations

import os
import re
import urllib.parse

import attrs
from ccpm_core.errors import InputError, SourceError
from ccpm_plugins.sources.http_client import is_loopback_host, redact_userinfo

__all__ = [
    "DEFAULT_EMAIL_VARIABLE",
    "DEFAULT_PASSWORD_VARIABLE",
    "DEFAULT_TOKEN_VARIABLE",
    "Credentials",
    "FormAddress",
    "normalise_server",
    "read_credentials",
]

DEFAULT_EMAIL_VARIABLE = "ODK_CENTRAL_EMAIL"
DEFAULT_PASSWORD_VARIABLE = "ODK_CENTRAL_PASSWORD"
DEFAULT_TOKEN_VARIABLE = "ODK_CENTRAL_TOKEN"

_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@attrs.frozen
class FormAddress:
    """The server, project and form whose submissions are read."""

    server: str
    """``scheme://host[:port][/prefix]`` without a trailing slash."""
    project_id: int
    form_id: str
    """The form's ``xmlFormId``, as in its settings in ODK Central."""

    @classmethod
    def parse(cls, server: str | None, project_id: str | None, form_id: str | None) -> FormAddress:
        """Check the three options and return the address; raise InputError naming the option."""
        if not server or not project_id or not form_id:
            msg = (
                "the odk-central source needs --server, --project-id and --form-id, such as "
                "--server https://central.example.org --project-id 3 --form-id ccpm_partner"
            )
            raise InputError(msg)

        text = project_id.strip()
        if not text.isdecimal() or int(text) < 1:
            msg = (
                f"--project-id {project_id!r} is not a project number; give the number from "
                "the project's address in ODK Central, such as 3 in /#/projects/3"
            )
            raise InputError(msg)

        form = form_id.strip()
        if not form or "/" in form:
            msg = (
                f"--form-id {form_id!r} is not a form ID; give the Form ID from the form's "
                "settings in ODK Central (the xmlFormId, such as ccpm_partner), not its title"
            )
            raise InputError(msg)
        return cls(normalise_server(server), int(text), form)

    @property
    def form_url(self) -> str:
        """Return the API address of the form, without a secret."""
        quoted = urllib.parse.quote(self.form_id, safe="")
        return f"{self.server}/v1/projects/{self.project_id}/forms/{quoted}"


@attrs.frozen
class Credentials:
    """Either a bearer token, or an e-mail address and password to open a session with.

    The ``*_variable`` fields name the environment variables the values came
    from, for messages.
    """

    token: str | None = attrs.field(default=None, repr=False)
    email: str | None = attrs.field(default=None, repr=False)
    password: str | None = attrs.field(default=None, repr=False)
    token_variable: str = DEFAULT_TOKEN_VARIABLE
    email_variable: str = DEFAULT_EMAIL_VARIABLE
    password_variable: str = DEFAULT_PASSWORD_VARIABLE


def read_credentials(
    token_variable: str | None = None,
    email_variable: str | None = None,
    password_variable: str | None = None,
) -> Credentials:
    """Read the credentials from the environment: the token if it is set, else e-mail and password.

    Raises :class:`SourceError` naming the variables when neither a token nor
    both the e-mail address and the password are set.
    """
    names = Credentials(
        token_variable=_checked_name(token_variable or DEFAULT_TOKEN_VARIABLE, "--token-env"),
        email_variable=_checked_name(email_variable or DEFAULT_EMAIL_VARIABLE, "--email-env"),
        password_variable=_checked_name(
            password_variable or DEFAULT_PASSWORD_VARIABLE, "--password-env"
        ),
    )

    token = os.environ.get(names.token_variable, "").strip()
    if token:
        return attrs.evolve(names, token=token)

    email = os.environ.get(names.email_variable, "").strip()
    # A password may begin or end with spaces, so only an empty one counts as missing.
    password = os.environ.get(names.password_variable, "")
    if email and password:
        return attrs.evolve(names, email=email, password=password)

    missing = [
        name
        for name, value in ((names.email_variable, email), (names.password_variable, password))
        if not value
    ]
    msg = (
        f"the ODK Central credentials are missing: set {' and '.join(missing)} to the e-mail "
        f"address and password of a Web User who can see the form, or set {names.token_variable} "
        "to a session token"
    )
    raise SourceError(msg)


def normalise_server(server: str) -> str:
    """Return the server address as ``scheme://host[:port][/prefix]`` without a trailing slash.

    Raises :class:`SourceError` for an address that has no scheme, is not
    http or https, has no host, carries a user name or password, or uses
    plain http on a host other than this machine, which would send the
    credentials unencrypted. A scheme-less address is rejected rather than
    guessed, because a guess would send the credentials to an address the
    user did not type. Messages show the address without its user name or
    password.
    """
    text = server.strip()
    address_shown = redact_userinfo(text)
    # Checked first, so that no later message can show a password typed into the address.
    if "@" in text.partition("?")[0].partition("#")[0]:
        msg = (
            f"the ODK Central server address {address_shown!r} contains a user name or password; "
            f"remove them and put the credentials in {DEFAULT_EMAIL_VARIABLE} and "
            f"{DEFAULT_PASSWORD_VARIABLE}"
        )
        raise SourceError(msg)
    if text and "://" not in text:
        msg = (
            f"the server address {address_shown!r} has no scheme; add https:// in front of it, "
            f"as in --server https://{address_shown}"
        )
        raise SourceError(msg)
    parts = urllib.parse.urlsplit(text)
    try:
        port_is_valid = parts.port is None or parts.port > 0
    except ValueError:
        port_is_valid = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_is_valid:
        msg = f"{address_shown!r} is not a server address; give one such as https://central.example.org"
        raise SourceError(msg)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        msg = (
            f"{address_shown!r} uses http://, which would send the credentials unencrypted; "
            "use the https:// address of the server"
        )
        raise SourceError(msg)

    # A copied API address such as https://central.example.org/v1 names the same server.
    path = parts.path.rstrip("/").removesuffix("/v1")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _checked_name(name: str, option: str) -> str:
    if not _VARIABLE_NAME.match(name):
        # The value is left out of the message: it may be the secret itself, given by mistake.
        msg = (
            f"the value of {option} is not a valid environment variable name; give the name "
            "of the variable that holds the secret, such as ODK_CENTRAL_PASSWORD, not the "
            "secret itself"
        )
        raise SourceError(msg)
    return name
