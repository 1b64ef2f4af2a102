"""The kobo source against the fake server: deployed versions, progress fields, errors."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from typing import Any

import pytest
from fake_kobo import FAST, TOKEN, FakeAsset, FakeKobo, Fault, content_from_xlsform, submission
from kobo_forms import hand_built_content, small_questionnaire

from ccpm_core.errors import InputError, SourceError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.plugins import PluginHost
from ccpm_core.progress import survey_progress
from ccpm_core.responses import RawResponses
from ccpm_plugins.exporters.xlsform import XlsFormExporter
from ccpm_plugins.sources.kobo.source import KoboSource

QUESTIONNAIRE = small_questionnaire()
EXPORTED = content_from_xlsform(XlsFormExporter().export(QUESTIONNAIRE))


class Terminal(io.StringIO):
    """A text stream whose ``isatty()`` returns True, as a terminal's does."""

    def isatty(self) -> bool:
        return True


def partner(number: int, answer: str = "3", **extra: Any) -> dict[str, Any]:
    answers = {
        "instrument": "partner",
        "profile/hub": "North",
        "profile/organisation_type": "ingo",
        "partner_function_1/p11": answer,
        "partner_function_1/p_comment_1": "Useful meetings",
    }
    return submission(answers, number, **extra)


def coordinator(number: int, **extra: Any) -> dict[str, Any]:
    answers = {
        "instrument": "coordinator",
        "profile/organisation_type": "ingo",
        "organisation_counts/c_orgs_ingo": "10",
        "organisation_counts/c_attending_ingo": "4.5",
        "coordinator_function_1/c11": "4",
    }
    return submission(answers, number, **extra)


def exported_asset(fake: FakeKobo, rows: list[dict[str, Any]], **fields: Any) -> FakeAsset:
    return fake.add_asset(copy.deepcopy(EXPORTED), rows, **fields)


def request_for(fake: FakeKobo, asset: FakeAsset, **options: str) -> SourceRequest:
    return SourceRequest(QUESTIONNAIRE, None, {"server": fake.url, "asset": asset.uid, **options})


def read(fake: FakeKobo, asset: FakeAsset, **options: str) -> RawResponses:
    return KoboSource(policy=FAST).read(request_for(fake, asset, **options))


def column(raw: RawResponses, name: str) -> list[str]:
    return [str(value) for value in raw.table[name].tolist()]


@pytest.fixture(autouse=True)
def _token(token: str) -> None:
    """Every test here reads with the test token in KOBO_TOKEN."""


# --- Reading ----------------------------------------------------------------------


def test_reads_every_submission(fake: FakeKobo) -> None:
    rows = [partner(n) for n in range(1, 2401)] + [coordinator(2401)]
    asset = exported_asset(fake, rows)

    responses = normalise_responses(read(fake, asset), QUESTIONNAIRE)

    assert len(responses) == 2401
    assert responses.quality.unknown_columns == ()
    assert responses.quality.unrecognised_values == ()
    assert responses.quality.missing_questions == ()


def test_source_is_asset_address(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [partner(1)])
    assert read(fake, asset).source == f"{fake.url}/api/v2/assets/{asset.uid}/"


def test_deployed_version_not_draft(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [partner(1)])
    draft = copy.deepcopy(EXPORTED)
    for row in draft["survey"]:
        if row.get("name") == "p11":
            row["name"] = row["$autoname"] = "p11_renamed"
            row["$xpath"] = "partner_function_1/p11_renamed"
    asset.content = draft
    asset.version_id = "vDraft0002"

    raw = read(fake, asset)

    assert column(raw, "p11") == ["3"]
    assert "partner_function_1/p11_renamed" not in raw.table.columns
    assert any(r.path.endswith(f"/versions/{asset.deployed_version_id}/") for r in fake.requests)


def test_unreadable_version_falls_back_to_draft(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [partner(1)])
    asset.version_id = "vDraft0002"
    fake.fail("/versions/", 404, body={"detail": "Not found."})

    raw = read(fake, asset)

    assert column(raw, "p11") == ["3"]
    assert any("current draft of the form" in note for note in raw.notes)


def test_hand_built_form_read(fake: FakeKobo) -> None:
    answers = {"instrument": "coord", "meetings/C11": "often", "counts/c_orgs_ingo": "7"}
    asset = fake.add_asset(hand_built_content(), [submission(answers, 1)])

    raw = read(fake, asset)

    assert column(raw, "instrument") == ["coordinator"]
    assert column(raw, "c11") == ["3"]
    assert raw.column_sources["c_orgs_ingo"] == "counts/c_orgs_ingo"


def test_older_version_fields_mapped(fake: FakeKobo) -> None:
    older = copy.deepcopy(EXPORTED)
    for row in older["survey"]:
        if row.get("$xpath") == "partner_function_1/p11":
            row["$xpath"] = "meetings_v1/p11"
    rows = [
        partner(1),
        submission({"instrument": "partner", "meetings_v1/p11": "2"}, 2, version="vOld"),
    ]
    asset = exported_asset(fake, rows)
    asset.versions["vOld"] = older

    raw = read(fake, asset)

    assert column(raw, "p11") == ["3", "2"]
    assert "the submissions come from 2 form versions, read together" in raw.notes


def test_unreadable_older_version_noted(fake: FakeKobo) -> None:
    rows = [partner(1), partner(2, version="vGone")]
    asset = exported_asset(fake, rows)

    raw = read(fake, asset)

    assert len(raw.table) == 2
    assert any("form version vGone could not be read" in note for note in raw.notes)


def test_count_change_noted(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [partner(n) for n in range(1, 1501)])
    calls: list[int] = []

    def add_one_before_second_page() -> None:
        calls.append(1)
        if len(calls) == 2:
            asset.submissions = [*asset.submissions, partner(1501)]

    fake.faults.append(Fault(path="/data/", times=2, action=add_one_before_second_page))

    raw = read(fake, asset)

    assert len(raw.table) == 1501
    assert any("changed from 1500 to 1501" in note for note in raw.notes)


def test_undeployed_asset_says_deploy(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [], deployed=False)

    with pytest.raises(SourceError, match="has not been deployed") as caught:
        read(fake, asset)

    assert "ccpm kobo deploy" in str(caught.value)


def test_form_without_instrument_rejected(fake: FakeKobo) -> None:
    content = {"survey": [{"type": "text", "name": "hub", "$xpath": "hub"}], "choices": []}
    asset = fake.add_asset(content, [submission({"hub": "x"}, 1)])

    with pytest.raises(SourceError, match="no question named 'instrument'"):
        read(fake, asset)

    assert fake.data_requests() == []


def test_block_asset_rejected(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [], asset_type="block")

    with pytest.raises(SourceError, match="is a block, not a survey"):
        read(fake, asset)


def test_needs_server_and_asset() -> None:
    request = SourceRequest(QUESTIONNAIRE, None, {"server": "https://kf.kobotoolbox.org"})

    with pytest.raises(InputError, match="needs --server and --asset"):
        KoboSource().read(request)


def test_missing_token_names_variable(fake: FakeKobo, monkeypatch: pytest.MonkeyPatch) -> None:
    asset = exported_asset(fake, [partner(1)])
    monkeypatch.delenv("KOBO_TOKEN")

    with pytest.raises(SourceError, match="set the environment variable KOBO_TOKEN"):
        read(fake, asset)

    assert fake.requests == []


def test_other_token_variable(fake: FakeKobo, monkeypatch: pytest.MonkeyPatch) -> None:
    asset = exported_asset(fake, [partner(1)])
    monkeypatch.setenv("HEALTH_KOBO", TOKEN)
    monkeypatch.delenv("KOBO_TOKEN")

    raw = read(fake, asset, token_env="HEALTH_KOBO")

    assert len(raw.table) == 1
    assert fake.requests[0].headers["Authorization"] == f"Token {TOKEN}"


def test_settings_repr_hides_token() -> None:
    from ccpm_plugins.sources.kobo.download import DownloadSettings

    settings = DownloadSettings(server="https://kf.example.org", asset="aX", token=TOKEN)

    assert TOKEN not in repr(settings)


def test_validation_approved(fake: FakeKobo) -> None:
    rows = [partner(1, validation="validation_status_approved"), partner(2)]
    asset = exported_asset(fake, rows)

    raw = read(fake, asset, validation="approved")

    assert list(raw.row_numbers) == [2]
    assert len(raw.exclusions) == 1


# --- Progress ---------------------------------------------------------------------


def test_progress_asks_only_needed_fields(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [partner(1), coordinator(2)])

    [(group, raw)] = KoboSource(policy=FAST).read_progress(request_for(fake, asset))

    (request,) = fake.data_requests()
    fields = json.loads(request.query["fields"][0])
    assert group == "responses"
    assert fields[:3] == ["instrument", "profile/hub", "profile/organisation_type"]
    assert "organisation_counts/c_orgs_ingo" in fields
    assert "organisation_counts/c_attending_ingo" in fields
    assert "_validation_status" in fields
    assert "meta/rootUuid" in fields
    assert "partner_function_1/p11" not in fields
    assert "p11" not in raw.table.columns


def test_progress_counts(fake: FakeKobo) -> None:
    rows = [partner(1), partner(2), coordinator(3)]
    asset = exported_asset(fake, rows)

    [(group, raw)] = KoboSource(policy=FAST).read_progress(request_for(fake, asset))
    progress = survey_progress(normalise_responses(raw, QUESTIONNAIRE), group)

    assert progress.partners == 2
    assert progress.coordinators == 1
    assert progress.levels[0].rates.overall.percent is not None


def test_progress_of_file_reads_it(tmp_path: Any) -> None:
    path = tmp_path / "export.csv"
    path.write_text('"instrument";"p11"\r\n"partner";"3"\r\n', encoding="utf-8")
    request = SourceRequest(QUESTIONNAIRE, str(path))

    [(group, raw)] = KoboSource().read_progress(request)

    assert group == "responses"
    assert len(raw.table) == 1


# --- Progress bar and registration ------------------------------------------------------


def test_progress_bar_on_terminal(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [partner(n) for n in range(1, 1201)])
    terminal = Terminal()

    KoboSource(policy=FAST, progress_stream=terminal).read(request_for(fake, asset))

    assert "submissions" in terminal.getvalue()


def test_no_progress_bar_when_redirected(fake: FakeKobo) -> None:
    asset = exported_asset(fake, [partner(1)])
    redirected = io.StringIO()

    KoboSource(policy=FAST, progress_stream=redirected).read(request_for(fake, asset))

    assert redirected.getvalue() == ""


def test_registered_with_options() -> None:
    host = PluginHost(["ccpm_plugins.sources.kobo.source"], load_entry_points=False)
    source = host.source("kobo")
    assert [option.name for option in source.options] == [
        "server",
        "asset",
        "token_env",
        "validation",
    ]
    assert source.options[2].env_var == "KOBO_TOKEN"


def test_plugin_module_imports_light() -> None:
    code = (
        "import sys, ccpm_plugins.sources.kobo.source, ccpm_plugins.exporters.xlsform\n"
        "print(sorted(m for m in ('requests', 'pandas', 'openpyxl', 'tqdm') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
