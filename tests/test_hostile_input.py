"""Odd but plausible arguments: what reaches the wire, and what is refused before sending."""

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from browser_use_async import AsyncBrowserUse, InvalidArgumentError
from browser_use_async._protocol import uuid_segment
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer
from tests.skill_samples import SKILL_ID, skill_bytes

DOMAINS = ["a.example.com", "b.example.com", "c.example.com"]

ITERABLES: list[Callable[[list[str]], Iterable[str]]] = [
    list,
    tuple,
    iter,
    lambda items: (item for item in items),
    lambda items: map(str, items),
    lambda items: dict.fromkeys(items).keys(),
    set,
    frozenset,
]


@pytest.mark.parametrize("make", ITERABLES)
async def test_any_iterable_for_a_task_list_is_sent_whole(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, make: Callable[[list[str]], Any]
) -> None:
    await client.tasks.create(
        "Find it", allowed_domains=make(DOMAINS), skill_ids=make(["s1", "s2"])
    )
    body = json.loads(fake.requests[-1].body)
    assert body["allowedDomains"] == DOMAINS
    assert body["skillIds"] == ["s1", "s2"]


@pytest.mark.parametrize("make", ITERABLES)
async def test_any_iterable_for_a_skill_list_is_sent_whole(
    canned: CannedServer, canned_client: AsyncBrowserUse, make: Callable[[list[str]], Any]
) -> None:
    canned.respond(200, skill_bytes())
    await canned_client.skills.update(
        SKILL_ID, categories=make(["financial", "travel"]), domains=make(DOMAINS)
    )
    body = json.loads(canned.bodies[-1])
    assert body == {"categories": ["financial", "travel"], "domains": DOMAINS}


@pytest.mark.parametrize("value", ["a.example.com", b"a.example.com", {"a.example.com": 1}, 3])
async def test_a_bare_string_or_other_non_list_is_refused(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, value: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="allowed_domains must be a list of strings"):
        await client.tasks.create("Find it", allowed_domains=value)
    with pytest.raises(InvalidArgumentError, match="skill_ids must be a list of strings"):
        await client.tasks.create("Find it", skill_ids=value)
    assert fake.requests == []


CANONICAL = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
NOT_CANONICAL = [
    "3c90c3cc-0d44-4b50-8888-8dd25736_52a",  # uuid.UUID reads this as 03c90c3c-c0d4-...
    "+3c90c3cc0d444b5088888dd25736052a",
    "3c90c3cc_0d44_4b50_8888_8dd25736052a",
    "{3c90c3cc-0d44-4b50-8888-8dd25736052a}",
    "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "3c90c3cc0d444b5088888dd25736052a",
    " 3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "3c90c3cc-0d44-4b50-8888-8dd25736052a\n",
    "3c90c3cc-0d44-4b50-8888-8dd25736052\u0661",  # an Arabic-Indic digit
]


@pytest.mark.parametrize("spelling", NOT_CANONICAL)
async def test_only_canonical_task_ids_are_accepted(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, spelling: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="task_id must be a UUID"):
        await client.tasks.get(spelling)
    with pytest.raises(InvalidArgumentError):
        await client.tasks.create("Find it", session_id=spelling)
    assert fake.requests == []


async def test_canonical_ids_in_any_case_and_uuid_objects_are_accepted(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    task_id = fake.create_task()
    for spelling in (str(task_id), str(task_id).upper(), task_id):
        assert (await client.tasks.get(spelling)).id == task_id


@st.composite
def _near_uuids(draw: st.DrawFn) -> str:
    """A canonical UUID with a few characters replaced, inserted or deleted."""
    text = str(draw(st.uuids()))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from("_+-{}: 0aF\u0661\n"))
        cut = draw(st.integers(0, 1))
        text = text[:at] + char + text[at + cut :]
    return text


@settings(max_examples=1000)
@given(_near_uuids())
def test_an_accepted_id_is_always_the_id_written(text: str) -> None:
    try:
        parsed = uuid_segment(text, "task_id")
    except InvalidArgumentError:
        return
    assert parsed == text.lower()


@given(st.uuids())
def test_every_uuid_is_accepted_in_both_cases(value: uuid.UUID) -> None:
    assert uuid_segment(str(value).upper(), "id") == uuid_segment(value, "id") == str(value)
