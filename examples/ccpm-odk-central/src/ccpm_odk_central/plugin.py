"""The ``odk-central`` survey source and the hook that registers it with ccpm.

ccpm imports this module through the entry point ``odk_central`` of the
``ccpm`` group, when it first looks up a survey source. The command line does
that each time it starts, so the module imports only ccpm's light contract
modules at the top and the client, requests and pandas inside :meth:`read`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import SourceOption, SourceRequest, SurveySource

if TYPE_CHECKING:
    from ccpm_core.responses import RawResponses
    from ccpm_plugins.sources.http_client import RetryPolicy

__all__ = ["OdkCentralSource", "ccpm_register_sources"]


class OdkCentralSource(SurveySource):
    """Reads the submissions of one ODK Central form through its OData feed.

    ``policy`` and ``page_size`` tune the requests; the registered source
    uses the defaults of :class:`~ccpm_plugins.sources.http_client.RetryPolicy`
    and :data:`~ccpm_odk_central.client.PAGE_SIZE`.
    """

    name = "odk-central"
    description = (
        "ODK Central: a form's submissions through the OData API (--server, --project-id, "
        "--form-id; e-mail and password in ODK_CENTRAL_EMAIL and ODK_CENTRAL_PASSWORD)"
    )
    options = (
        SourceOption("server", "Server address, such as https://central.example.org."),
        SourceOption("project_id", "Number of the ODK Central project, from /#/projects/NUMBER."),
        SourceOption("form_id", "Form ID (xmlFormId) from the form's settings in ODK Central."),
        SourceOption(
            "email_env",
            "Environment variable holding the ODK Central e-mail (default ODK_CENTRAL_EMAIL).",
            env_var="ODK_CENTRAL_EMAIL",
        ),
        SourceOption(
            "password_env",
            "Environment variable holding the password (default ODK_CENTRAL_PASSWORD).",
            env_var="ODK_CENTRAL_PASSWORD",
        ),
        SourceOption(
            "token_env",
            "Environment variable holding a session token, used in place of e-mail and "
            "password when set (default ODK_CENTRAL_TOKEN).",
            env_var="ODK_CENTRAL_TOKEN",
        ),
        SourceOption(
            "review_state",
            "'approved' reads only approved submissions, 'not-rejected' all but rejected "
            "ones, 'all' (default) every one.",
        ),
    )

    def __init__(self, *, policy: RetryPolicy | None = None, page_size: int | None = None) -> None:
        self._policy = policy
        self._page_size = page_size

    def read(self, request: SourceRequest) -> RawResponses:
        """Read every submission of the form that ``--review-state`` keeps."""
        from ccpm_core.errors import InputError, SourceError

        from ccpm_odk_central.client import PAGE_SIZE, OdkCentralClient
        from ccpm_odk_central.settings import FormAddress, read_credentials
        from ccpm_odk_central.submissions import ReviewFilter, raw_responses

        if request.location:
            msg = (
                f"{request.location}: the odk-central source reads from the server, not from "
                "a file; give --server, --project-id and --form-id instead"
            )
            raise InputError(msg)

        address = FormAddress.parse(
            request.option("server"), request.option("project_id"), request.option("form_id")
        )
        review = ReviewFilter.parse(request.option("review_state"))
        credentials = read_credentials(
            request.option("token_env"), request.option("email_env"), request.option("password_env")
        )

        with OdkCentralClient(address.server, credentials, policy=self._policy) as client:
            client.sign_in()
            client.project(address)
            client.form(address)
            submissions: list[dict[str, object]] = []
            count = 0
            for page in client.submission_pages(address, self._page_size or PAGE_SIZE):
                submissions.extend(page.submissions)
                count = page.count

        source = address.form_url
        # NOTE: read_progress inherits this check, so counting a form without submissions
        # fails instead of counting zero.
        if not submissions:
            msg = (
                f"{source}: the form has no submissions yet, so there is nothing to score or "
                "report; read it again once submissions arrive"
            )
            raise SourceError(msg)
        if len(submissions) != count:
            # The pages have been checked not to exceed the count, so some are missing here.
            msg = (
                f"{source}: the server counts {count} submissions but sent {len(submissions)}: "
                "submissions arrived or were deleted while they were read, or the server's "
                "pages skipped some. Run the command again; if it fails again, ask the "
                "server's administrator to check ODK Central"
            )
            raise SourceError(msg)
        return raw_responses(submissions, source=source, review=review)


@hookimpl
def ccpm_register_sources(register: Callable[[SurveySource], None]) -> None:
    """Register the ``odk-central`` source."""
    register(OdkCentralSource())
