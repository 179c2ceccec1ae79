"""The v4 models: what they check before anything is sent, what they send, what they read."""

import decimal
import json
import uuid
from typing import Any, TypedDict

import pytest

from browser_use_async import InvalidArgumentError, models
from browser_use_async._codec import DecodeError, decode, encode, to_dict
from browser_use_async._types import NOT_GIVEN
from browser_use_async.v4 import models as v4

RUN_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
SESSION_ID = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
FILE_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"


ITEM = v4.WorkspaceFileUploadItem(name="data.csv", content_type="text/csv", size=12)


def wrong(value: object) -> Any:
    """A value of a type the signature refuses, passed anyway (as untyped code would)."""
    return value


def sent(model: object) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(encode(model))
    return body


def summary(**overrides: Any) -> dict[str, Any]:
    """A RunSummary as the API sends it."""
    return {
        "id": RUN_ID,
        "task": "Find the weather in Zurich",
        "title": None,
        "model": "minimax-m3",
        "modelParams": None,
        "contextLimit": 200000,
        "status": "completed",
        "result": "12 degrees",
        "output": None,
        "outputSchema": None,
        "error": None,
        "sessionId": SESSION_ID,
        "workspaceId": None,
        "attachedFileIds": [FILE_ID],
        "judgement": {"verdict": True},
        "totalInputTokens": 1200,
        "totalOutputTokens": 80,
        "totalCostUsd": "0.0123",
        "createdAt": "2026-01-02T03:04:05+00:00",
        "updatedAt": "2026-01-02T03:05:05+00:00",
        **overrides,
    }


def test_run_statuses_say_which_are_terminal() -> None:
    terminal = {s for s in v4.RunStatus if s.is_terminal}
    assert terminal == {v4.RunStatus.COMPLETED, v4.RunStatus.FAILED, v4.RunStatus.CANCELLED}
    assert v4.is_final("cancelled")
    assert not v4.is_final("paused")  # a status newer than the SDK is not final


def test_a_summary_decodes_with_decimal_cost_and_open_status() -> None:
    run = decode(json.dumps(summary()).encode(), v4.RunSummary)
    assert run.status is v4.RunStatus.COMPLETED
    assert run.total_cost_usd == decimal.Decimal("0.0123")
    assert run.attached_file_ids == [uuid.UUID(FILE_ID)]
    assert run.created_at.utcoffset() is not None
    newer = decode(json.dumps(summary(status="paused")).encode(), v4.RunSummary)
    assert newer.status == "paused"
    assert not isinstance(newer.status, v4.RunStatus)
    assert to_dict(run) == summary()


def test_run_create_sends_camel_case_and_leaves_out_what_was_not_given() -> None:
    request = v4.RunCreateRequest(
        task="Find the news",
        model=v4.RunModel.CLAUDE_OPUS_5,
        session_id=SESSION_ID,
        browser_settings=v4.RunBrowserSettings(
            proxy_country_code=None, screen_width=1280, record=None
        ),
        attached_file_ids=(FILE_ID,),
        judge=v4.RunJudgeSettings(),
        max_cost_usd=2.5,
    )
    assert sent(request) == {
        "task": "Find the news",
        "model": "claude-opus-5",
        "sessionId": SESSION_ID,
        "browserSettings": {"proxyCountryCode": None, "screenWidth": 1280, "record": None},
        "attachedFileIds": [FILE_ID],
        "judge": {},
        "maxCostUsd": "2.5",
    }
    assert sent(v4.RunCreateRequest(task="t")) == {"task": "t"}
    # A model id newer than the SDK is sent as it is.
    assert sent(v4.RunCreateRequest(task="t", model="model-of-2030"))["model"] == "model-of-2030"


@pytest.mark.parametrize(
    ("amount", "wire"),
    [(decimal.Decimal("1E+1"), "10"), (decimal.Decimal("1E-7"), "0.0000001"), ("0.50", "0.50")],
)
def test_a_budget_is_sent_as_fixed_point_digits(amount: object, wire: str) -> None:
    """The spec's pattern for decimal strings has no exponent."""
    assert sent(v4.RunCreateRequest(task="t", max_cost_usd=wrong(amount)))["maxCostUsd"] == wire


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: v4.RunCreateRequest(task=""), "task must have at least 1"),
        (lambda: v4.RunCreateRequest(task="t", max_cost_usd=0), "above 0"),
        (lambda: v4.RunCreateRequest(task="t", max_cost_usd=-1), "above 0"),
        (lambda: v4.RunCreateRequest(task="t", max_cost_usd=wrong(True)), "above 0"),
        (lambda: v4.RunCreateRequest(task="t", session_id="nope"), "must be a UUID"),
        (lambda: v4.RunCreateRequest(task="t", attached_file_ids=[FILE_ID] * 21), "at most 20"),
        (lambda: v4.RunCreateRequest(task="t", attached_file_ids=wrong(FILE_ID)), "list of UUIDs"),
        (lambda: v4.RunCreateRequest(task="t", browser_settings=wrong({})), "RunBrowserSettings"),
        (lambda: v4.RunCreateRequest(task="t", judge=wrong({"context": "x"})), "RunJudgeSettings"),
        (lambda: v4.RunBrowserSettings(screen_width=100), "from 320 to 6144"),
        (lambda: v4.RunBrowserSettings(screen_height=4000), "from 320 to 3456"),
        (lambda: v4.RunBrowserSettings(proxy_country_code="zz"), "proxy_country_code"),
        (lambda: v4.RunBrowserSettings(record=wrong("yes")), "True or False"),
        (lambda: v4.RunJudgeSettings(context="x" * 10001), "0 to 10000"),
        (lambda: v4.QueueMessageRequest(text=""), "text must have at least 1"),
        (lambda: v4.QueueMessageRequest(text="t", interrupt=wrong(None)), "True or False"),
        (lambda: v4.WorkspaceCreateRequest(name="n" * 101), "0 to 100"),
        (lambda: v4.WorkspaceFileUploadItem(name="a", size=0), "from 1 to 52428800"),
        (lambda: v4.WorkspaceFileUploadItem(name="a", size=50 * 2**20 + 1), "52428800"),
        (lambda: v4.WorkspaceFileUploadItem(name="", size=1), "name must have 1"),
        (lambda: v4.WorkspaceFileUploadRequest(files=[]), "at least 1"),
        (lambda: v4.WorkspaceFileUploadRequest(files=[ITEM] * 11), "at most 10"),
        (lambda: v4.WorkspaceFileUploadRequest(files=wrong([{"name": "a"}])), "an item {'name'"),
        (lambda: v4.WorkspaceFileUploadRequest(files=wrong("a.txt")), "list of Workspace"),
        (lambda: v4.ExternalBrowserAttach(cdp_url=""), "cdp_url must have 1"),
    ],
)
def test_bad_arguments_are_refused_before_sending(build: Any, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        build()
    assert message in str(info.value)


def test_upload_requests_take_any_iterable_of_items() -> None:
    request = v4.WorkspaceFileUploadRequest(files=(item for item in [ITEM, ITEM]))
    assert sent(request) == {
        "files": [{"name": "data.csv", "contentType": "text/csv", "size": 12}] * 2
    }
    assert v4.MAX_UPLOAD_BYTES == 52428800


def test_queue_message_sends_its_fields() -> None:
    message = v4.QueueMessageRequest(text="And in Geneva?", interrupt=True, attached_file_ids=None)
    assert sent(message) == {"text": "And in Geneva?", "interrupt": True, "attachedFileIds": None}


def test_the_proxy_password_never_shows_in_a_repr() -> None:
    proxy = v4.CustomProxy(host="proxy.example.com", port=8080, username="u", password="hunter2")
    settings = v4.RunBrowserSettings(custom_proxy=proxy)
    request = v4.RunCreateRequest(task="t", browser_settings=settings)
    assert "hunter2" not in repr(request)
    assert sent(request)["browserSettings"]["customProxy"]["password"] == "hunter2"


def test_schemas_identical_to_v2_are_the_v2_models() -> None:
    for name in ("ProfileView", "CustomProxy", "ProxyCountryCode", "BrowserSessionView"):
        assert getattr(v4, name) is getattr(models, name)


def test_responses_decode_and_write_back_as_they_came() -> None:
    event = {
        "runId": RUN_ID,
        "id": 3,
        "ts": "2026-01-02T03:04:05+00:00",
        "type": "browser.ready",
        "data": {"liveUrl": "https://live.example.com/x"},
    }
    page = {"events": [event], "nextAfter": 3, "hasMore": True}
    decoded = decode(json.dumps(page).encode(), v4.RunEventsResponse)
    assert decoded.events[0].data["liveUrl"] == "https://live.example.com/x"
    assert to_dict(decoded) == page
    queued = {
        "id": 7,
        "sessionId": SESSION_ID,
        "runId": None,
        "mode": "queue",
        "status": "pending",
        "text": "next",
        "attachedFileIds": None,
        "createdAt": "2026-01-02T03:04:05+00:00",
    }
    message = decode(json.dumps(queued).encode(), v4.QueuedMessage)
    assert message.status is v4.QueuedMessageStatus.PENDING
    assert to_dict(message) == queued
    created = decode(
        json.dumps(
            {
                "id": RUN_ID,
                "status": "queued",
                "model": "minimax-m3",
                "sessionId": SESSION_ID,
                "workspaceId": FILE_ID,
                "eventsUrl": "/api/v4/runs/x/events",
                "missingFileIds": None,
            }
        ).encode(),
        v4.RunCreateResponse,
    )
    assert created.missing_file_ids == []
    assert created.status is v4.RunStatus.QUEUED


def test_not_given_is_the_default_of_every_optional_request_field() -> None:
    assert v4.RunCreateRequest(task="t").model is NOT_GIVEN
    assert v4.RunBrowserSettings().record is NOT_GIVEN


BINDING = v4.SecretBinding(
    alias="github_password",
    source=v4.InlineSecretSource(value="hunter2"),
    allowed_domains=("github.com",),
)


def test_secret_binding_values_never_show_in_a_repr() -> None:
    request = v4.RunCreateRequest(task="Log in", secret_bindings=[BINDING])
    assert "hunter2" not in repr(request)
    assert "hunter2" not in repr(BINDING)
    assert sent(request)["secretBindings"] == [
        {
            "alias": "github_password",
            "source": {"type": "inline", "value": "hunter2"},
            "allowedDomains": ["github.com"],
        }
    ]
    vault = v4.OnePasswordSecretSource(
        integration_id=RUN_ID, vault_id="v", item_id="i", field_id="password"
    )
    assert sent(vault) == {
        "type": "onepassword",
        "integrationId": RUN_ID,
        "vaultId": "v",
        "itemId": "i",
        "fieldId": "password",
    }


def test_run_create_sends_the_official_sdks_extra_fields() -> None:
    request = v4.RunCreateRequest(
        task="t",
        output_schema={"type": "object"},
        model_params={"reasoning": {"effort": "high"}},
        keep_alive=None,
        agentmail=False,
        agentcard_wallet_id=FILE_ID,
        op_vault_id="vault",
        op_vault_allowed_domains={"b.com", "a.com"},
        browser_settings=v4.RunBrowserSettings(allow_resizing=True, extension_ids=[FILE_ID]),
    )
    assert sent(request) == {
        "task": "t",
        "outputSchema": {"type": "object"},
        "modelParams": {"reasoning": {"effort": "high"}},
        "keepAlive": None,
        "agentmail": False,
        "agentcardWalletId": FILE_ID,
        "opVaultId": "vault",
        "opVaultAllowedDomains": ["a.com", "b.com"],
        "browserSettings": {"allowResizing": True, "extensionIds": [FILE_ID]},
    }


def test_an_output_schema_can_be_derived_from_a_type() -> None:
    class Weather(TypedDict):
        city: str
        degrees: int

    schema = sent(v4.RunCreateRequest(task="t", output_schema=Weather))["outputSchema"]
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"city", "degrees"}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: v4.RunCreateRequest(task="t", keep_alive=119), "from 120 to 14400"),
        (lambda: v4.RunCreateRequest(task="t", keep_alive=14401), "from 120 to 14400"),
        (lambda: v4.RunCreateRequest(task="t", agentmail=wrong(None)), "True or False"),
        (lambda: v4.RunCreateRequest(task="t", op_vault_id="v" * 65), "0 to 64"),
        (lambda: v4.RunCreateRequest(task="t", model_params=wrong([1])), "a mapping"),
        (lambda: v4.RunCreateRequest(task="t", output_schema=wrong(3)), "output_schema"),
        (lambda: v4.RunCreateRequest(task="t", secret_bindings=[BINDING] * 21), "at most 20"),
        (
            lambda: v4.RunCreateRequest(task="t", secret_bindings=wrong([{"alias": "a"}])),
            "SecretBinding",
        ),
        (lambda: v4.RunBrowserSettings(extension_ids=[FILE_ID] * 4), "at most 3"),
        (
            lambda: v4.SecretBinding(alias="a", source=wrong(None), allowed_domains=["x.com"]),
            "InlineSecretSource or a OnePasswordSecretSource",
        ),
        (
            lambda: v4.SecretBinding(alias="a", source=BINDING.source, allowed_domains=[]),
            "at least 1",
        ),
        (lambda: v4.InlineSecretSource(value=""), "value must have at least 1"),
        (
            lambda: v4.OnePasswordSecretSource(
                integration_id="x", vault_id="v", item_id="i", field_id="f"
            ),
            "integration_id must be a UUID",
        ),
        (lambda: v4.SessionCostCapRequest(max_cost_usd=0), "above 0"),
        (lambda: v4.SessionCostCapRequest(max_cost_usd=wrong(None)), "above 0"),
        (lambda: v4.SessionUpdateRequest(title="t" * 256), "0 to 255"),
        (lambda: v4.SessionShareUpdateRequest(is_active=wrong("yes")), "True or False"),
        (lambda: v4.WorkspaceUpdateRequest(name="n" * 101), "0 to 100"),
        (
            lambda: v4.WorkspaceFileUploadRequest(files=[ITEM], allow_overrides=wrong(None)),
            "True or False",
        ),
    ],
)
def test_bad_amendment_arguments_are_refused_before_sending(build: Any, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        build()
    assert message in str(info.value)


def test_a_secret_never_shows_in_a_refusal() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        v4.RunCreateRequest(task="t", secret_bindings=wrong([{"value": "hunter2"}]))
    assert "SecretBinding" in str(info.value)


def test_the_cost_cap_is_sent_as_a_decimal_string() -> None:
    assert sent(v4.SessionCostCapRequest(max_cost_usd=12.5)) == {"maxCostUsd": "12.5"}
    cost = {
        "sessionId": SESSION_ID,
        "numRuns": 2,
        "llmCostUsd": "0.10",
        "searchCostUsd": "0",
        "browserCostUsd": "0.02",
        "proxyCostUsd": "0.001",
        "proxyUsedMb": "1.5",
        "totalCostUsd": "0.121",
    }
    decoded = decode(json.dumps(cost).encode(), v4.SessionCostResponse)
    assert decoded.total_cost_usd == decimal.Decimal("0.121")
    assert to_dict(decoded) == cost


def test_integrations_are_read_by_their_snake_case_keys() -> None:
    listing = {
        "integrations": [
            {
                "provider": "gmail",
                "display_name": "Gmail",
                "description": "Mail",
                "icon_url": None,
                "category": "email",
                "is_connected": True,
                "auth_type": "oauth",
            }
        ],
        "total": 1,
        "limit": 50,
        "offset": 0,
    }
    page = decode(json.dumps(listing).encode(), v4.IntegrationListResponse)
    [gmail] = page.integrations
    assert (gmail.display_name, gmail.is_connected, gmail.is_popular) == ("Gmail", True, False)
    assert to_dict(page)["integrations"][0]["display_name"] == "Gmail"
    status = decode(b'{"provider": "gmail", "is_connected": false}', v4.ConnectionStatusResponse)
    assert status.is_connected is False
    with pytest.raises(DecodeError, match=r"required field missing @ \$\.is_connected"):
        decode(b'{"provider": "gmail", "isConnected": false}', v4.ConnectionStatusResponse)


def test_a_queued_message_says_how_it_was_queued() -> None:
    message = {
        "id": 1,
        "sessionId": SESSION_ID,
        "runId": RUN_ID,
        "mode": "interrupt",
        "status": "consumed",
        "text": "stop, do this",
        "createdAt": "2026-01-02T03:04:05+00:00",
    }
    queued = decode(json.dumps(message).encode(), v4.QueuedMessage)
    assert queued.mode is v4.QueuedMessageMode.INTERRUPT
    newer = decode(json.dumps({**message, "mode": "later"}).encode(), v4.QueuedMessage)
    assert newer.mode == "later"
