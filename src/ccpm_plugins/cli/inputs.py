"""Options shared by the commands that read responses, and the reading itself.

``--source`` picks a survey source by name; without it, the source is chosen
by the input file's name (``.csv`` goes to the CSV source). Every option that
an installed source declares is offered as ``--NAME`` and handed to that
source; options of other sources are rejected.

A command that reads responses is a :class:`ResponseInputCommand` decorated
with :func:`response_input_options`. It adds the sources' options when click
first requests its parameters, because listing them builds the plugin host,
and ``ccpm --help``, which shows only each command's short help, should not
pay for that.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ccpm_core.plugin_api import SourceRequest, SurveySource
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.responses import ResponseSet

__all__ = [
    "ResponseInputCommand",
    "load_questionnaire_option",
    "merge_source_options",
    "read_responses",
    "resolve_source",
    "response_input_options",
]

F = TypeVar("F", bound=Callable[..., Any])


class ResponseInputCommand(click.Command):
    """A command that reads responses and takes the options of every installed survey source.

    The source options are inserted after ``--questionnaire`` the first time
    click requests the parameters (to parse, to show the command's own help or
    to complete), so that defining the command builds no plugin host.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._source_options_added = False

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """Return the command's parameters, the source options included."""
        if not self._source_options_added:
            self._add_source_options()
        return super().get_params(ctx)

    def _add_source_options(self) -> None:
        self._source_options_added = True
        options = [
            _source_option(name, help_text, flag)
            for name, help_text, flag in _declared_source_options()
        ]
        names = [param.name for param in self.params]
        position = names.index("questionnaire_path") + 1 if "questionnaire_path" in names else 0
        self.params[position:position] = options


def response_input_options(function: F) -> F:
    """Add the input argument and the ``--source`` and ``--questionnaire`` options.

    The command must be a :class:`ResponseInputCommand`
    (``@click.command(cls=ResponseInputCommand)``), which adds the options of
    the survey sources.
    """
    decorators = [
        click.argument("input_path", metavar="INPUT", required=False),
        click.option(
            "--source",
            "source_name",
            metavar="NAME",
            help="Survey source to read from (default: chosen by the INPUT file name).",
        ),
        click.option(
            "--questionnaire",
            "questionnaire_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Questionnaire file (YAML or JSON) to use instead of the standard one.",
        ),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _source_option(name: str, help_text: str, flag: bool) -> click.Option:
    option = "--" + name.replace("_", "-")
    if flag:
        return click.Option([option, f"source_opt_{name}"], flag_value="yes", help=help_text)
    return click.Option([option, f"source_opt_{name}"], metavar="VALUE", help=help_text)


@functools.cache
def _declared_source_options() -> tuple[tuple[str, str, bool], ...]:
    from ccpm_core.errors import CcpmError
    from ccpm_plugins import plugin_host

    # A broken plugin must not stop the command line from starting. The same
    # error is raised again, and reported, when the plugins are used.
    try:
        sources = plugin_host().sources()
    except CcpmError:
        return ()
    return merge_source_options(sources.values())


def merge_source_options(sources: Iterable[SurveySource]) -> tuple[tuple[str, str, bool], ...]:
    """Return each source option once, as (name, help, is a flag), sorted by name.

    When several sources declare an option of the same name, the help joins
    theirs, in the order of ``sources``, each followed by its source's name.
    The first source decides whether the option is a flag.
    """
    helps: dict[str, list[str]] = {}
    flags: dict[str, bool] = {}
    for source in sources:
        for option in source.options:
            helps.setdefault(option.name, []).append(f"{option.help} [{source.name}]")
            flags.setdefault(option.name, option.flag)
    return tuple((name, "; ".join(helps[name]), flags[name]) for name in sorted(helps))


def load_questionnaire_option(path: Path | None) -> Questionnaire:
    """Return the questionnaire at ``path``, or the standard one."""
    from ccpm_core.questionnaire import load_questionnaire, standard_questionnaire

    return standard_questionnaire() if path is None else load_questionnaire(path)


def read_responses(
    input_path: str | None,
    source_name: str | None,
    questionnaire: Questionnaire,
    options: Mapping[str, Any],
) -> ResponseSet:
    """Read responses through the chosen source and match them to the questionnaire."""
    from ccpm_core.normalise import normalise_responses

    source, request = resolve_source(input_path, source_name, questionnaire, options)
    return normalise_responses(source.read(request), questionnaire)


def resolve_source(
    input_path: str | None,
    source_name: str | None,
    questionnaire: Questionnaire,
    options: Mapping[str, Any],
) -> tuple[SurveySource, SourceRequest]:
    """Pick the survey source and build its request from the command-line options.

    ``options`` contains the command's keyword arguments; the source options among
    them carry the ``source_opt_`` prefix that :class:`ResponseInputCommand` gives.
    """
    from ccpm_core.errors import InputError
    from ccpm_core.plugin_api import SourceRequest
    from ccpm_plugins import plugin_host

    host = plugin_host()

    # `ccpm fetch kobo --server ...` names the source where a file would go.
    if source_name is None and input_path in host.sources() and not Path(input_path).exists():
        source_name, input_path = input_path, None

    if source_name is not None:
        source = host.source(source_name)
    elif input_path is not None:
        _check_input_file(input_path)
        found = host.source_for_file(input_path)
        if found is None:
            msg = (
                f"{input_path}: no survey source reads files of this kind; "
                f"name one with --source (available: {', '.join(sorted(host.sources()))})"
            )
            raise InputError(msg)
        source = found
    else:
        msg = "give an INPUT file, or --source NAME with that source's options"
        raise InputError(msg)

    given = {
        key.removeprefix("source_opt_"): str(value)
        for key, value in options.items()
        if key.startswith("source_opt_") and value is not None
    }
    accepted = {option.name for option in source.options}
    foreign = sorted(set(given) - accepted)
    if foreign:
        flags = ", ".join("--" + name.replace("_", "-") for name in foreign)
        msg = f"the {source.name} source does not take {flags}"
        raise InputError(msg)
    missing = [o.name for o in source.options if o.required and o.name not in given]
    if missing:
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        msg = f"the {source.name} source needs {flags}"
        raise InputError(msg)

    request = SourceRequest(questionnaire=questionnaire, location=input_path, options=given)
    return source, request


def _check_input_file(input_path: str) -> None:
    """Raise a clear error for an INPUT that is missing or is a folder."""
    from ccpm_core.errors import InputError

    path = Path(input_path)
    if path.is_dir():
        msg = f"{input_path}: is a folder; give a response file, such as responses.csv"
        raise InputError(msg)
    if not path.exists():
        msg = f"{input_path}: file not found; check the path"
        raise InputError(msg)
