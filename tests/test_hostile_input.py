"""Odd but plausible arguments: what reaches the wire, and what is refused before sending."""

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from browser_use_async import AsyncBrowserUse, InvalidArgumentError
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
