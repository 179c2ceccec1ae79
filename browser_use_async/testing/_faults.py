"""Scripted faults for the fake cloud: errors, delays, dropped connections, garbage bodies."""

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

import attrs
from aiohttp import web
from aiohttp.typedefs import Middleware

from browser_use_async._types import NOT_GIVEN, NotGiven

__all__ = ["Fault", "FaultScript"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Disconnect = Literal["before_response", "during_body"]


@attrs.frozen(kw_only=True)
class Fault:
    """What the fake does instead of (or before) answering normally.

    - `status`: answer with this status (and `body`, default a FastAPI-style detail).
    - `body` alone: answer 200 with these raw bytes (malformed or unexpected bodies).
    - `delay`: wait this many seconds first; alone, the normal answer follows late.
    - `disconnect`: drop the connection before any response, or midway through the body.
    """

    status: int | None = None
    body: bytes | None = None
    headers: Mapping[str, str] = attrs.field(factory=lambda: {})
    delay: float = 0.0
    disconnect: Disconnect | None = None


@attrs.define
class _Rule:
    method: str
    route: str
    fault: Fault
    times: int | None
    rate: float

    def matches(self, method: str, route: str) -> bool:
        return self.method in ("*", method) and self.route in ("*", route)


class FaultScript:
    """Faults to inject, by route, for the next N matching calls or a fraction of them.

    Routes are written as in the spec, e.g. ``"PATCH /tasks/{task_id}"``; ``"*"`` stands
    for any method or any route. Rules are tried in the order they were added.
    """

    def __init__(self, seed: int = 0) -> None:
        self._rules: list[_Rule] = []
        self._random = random.Random(seed)  # noqa: S311 (test faults, not cryptography)
        self.injected = 0

    def add(
        self,
        route: str,
        fault: Fault,
        *,
        times: int | NotGiven | None = NOT_GIVEN,
        rate: float = 1.0,
    ) -> None:
        """Inject `fault` on calls to `route`, each time with probability `rate`, `times`
        times at most (None: no limit). Left out, `times` is 1 for a certain fault and
        unlimited for one with a `rate` below 1: `rate=0.05` faults about 5% of calls."""
        method, _, path = route.partition(" ") if " " in route else ("*", "", route)
        if not 0.0 < rate <= 1.0:
            raise ValueError(f"rate must be in (0, 1], got {rate}")
        if isinstance(times, NotGiven):
            times = 1 if rate == 1.0 else None
        self._rules.append(_Rule(method.upper(), path or "*", fault, times, rate))

    def reseed(self, seed: int) -> None:
        """Make the `rate=` draws repeatable from here on."""
        self._random.seed(seed)

    def clear(self) -> None:
        self._rules.clear()

    def take(self, method: str, route: str) -> Fault | None:
        """The fault for this call, if a rule fires; counts it against the rule."""
        for rule in self._rules:
            if not rule.matches(method, route) or rule.times == 0:
                continue
            if rule.rate < 1.0 and self._random.random() >= rule.rate:
                continue
            if rule.times is not None:
                rule.times -= 1
            self.injected += 1
            return rule.fault
        return None

    def middleware(self, prefix: str) -> Middleware:
        """An aiohttp middleware that applies this script to routes under `prefix`."""

        @web.middleware
        async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
            resource = request.match_info.route.resource
            canonical = resource.canonical if resource is not None else request.path
            fault = self.take(request.method, canonical.removeprefix(prefix))
            if fault is None:
                return await handler(request)
            return await _apply(fault, request, handler)

        return inject


async def _apply(fault: Fault, request: web.Request, handler: Handler) -> web.StreamResponse:
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if fault.disconnect == "before_response":
        _drop(request)
        return web.Response(status=204)
    if fault.disconnect == "during_body":
        response = web.StreamResponse(status=fault.status or 200, headers=fault.headers)
        response.content_type = "application/json"
        response.content_length = 1024
        await response.prepare(request)
        await response.write(b'{"id": "3c90c3cc-0d44-')
        _drop(request)
        return response
    if fault.status is not None:
        body = fault.body or json.dumps({"detail": f"Injected fault {fault.status}"}).encode()
        return web.Response(
            status=fault.status,
            body=body,
            headers={"Content-Type": "application/json", **fault.headers},
        )
    if fault.body is not None:
        return web.Response(
            body=fault.body, headers={"Content-Type": "application/json", **fault.headers}
        )
    return await handler(request)


def _drop(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.abort()
