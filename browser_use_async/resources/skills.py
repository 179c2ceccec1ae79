"""`client.skills`: generate, run and manage your project's skills."""

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from browser_use_async._protocol import uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import (
    check_bool,
    check_datetime,
    check_enum,
    check_text,
)
from browser_use_async.models.skills import (
    CreateSkillRequest,
    CreateSkillResponse,
    ExecuteSkillRequest,
    ExecuteSkillResponse,
    RefineSkillRequest,
    RefineSkillResponse,
    SkillCategory,
    SkillExecutionListResponse,
    SkillExecutionOutputResponse,
    SkillExecutionView,
    SkillListResponse,
    SkillResponse,
    UpdateSkillRequest,
)
from browser_use_async.resources._base import AsyncResource, page_params
from browser_use_async.resources._pagination import AsyncPager, numbered_pager


def _skill_path(skill_id: object) -> str:
    return f"/skills/{uuid_segment(skill_id, 'skill_id')}"


def skill_filters(
    category: SkillCategory | str | NotGiven | None,
    query: str | NotGiven | None,
    from_date: dt.datetime | NotGiven | None,
    to_date: dt.datetime | NotGiven | None,
) -> dict[str, object]:
    """The filters `GET /skills` and `GET /marketplace/skills` share, checked."""
    return {
        "category": check_enum(SkillCategory, category, "category"),
        "query": check_text(query, "query", 0, 100),
        "fromDate": check_datetime(from_date, "from_date"),
        "toDate": check_datetime(to_date, "to_date"),
    }


class AsyncSkills(AsyncResource):
    """Create skills from a goal, execute them, refine them, and read their executions."""

    @property
    def with_raw_response(self) -> "AsyncSkillsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` and `executions` answer one page."""
        return AsyncSkillsWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        is_public: bool | NotGiven | None = NOT_GIVEN,
        is_enabled: bool | NotGiven | None = NOT_GIVEN,
        category: SkillCategory | str | NotGiven | None = NOT_GIVEN,
        query: str | NotGiven | None = NOT_GIVEN,
        from_date: dt.datetime | NotGiven | None = NOT_GIVEN,
        to_date: dt.datetime | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[SkillResponse, SkillListResponse]:
        """Your project's skills (`GET /skills`), as a pager: one `SkillListResponse` page,
        or every skill from that page on, page after page.

        `page_size` is 1 to 100 (the API's default is 10); `query` searches, up to 100 characters.
        """
        params = {
            **page_params(page_size, page_number),
            "isPublic": check_bool(is_public, "is_public"),
            "isEnabled": check_bool(is_enabled, "is_enabled"),
            **skill_filters(category, query, from_date, to_date),
        }
        return numbered_pager(
            self._request, "/skills", SkillListResponse, params, extra, items=lambda p: p.items
        )

    async def create(
        self,
        *,
        goal: str,
        agent_prompt: str,
        title: str | NotGiven | None = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> CreateSkillResponse:
        """Start generating a skill (`POST /skills`); billable. Poll `get` until it is finished.

        `goal` says what the skill does (up to 1000 characters); `agent_prompt` (at least 10)
        tells the generating agent what to do. A title and description are generated if left out.
        """
        body = CreateSkillRequest(
            goal=goal, agent_prompt=agent_prompt, title=title, description=description
        )
        return await self._request("POST", "/skills", CreateSkillResponse, body, extra=extra)

    async def get(
        self, skill_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SkillResponse:
        """A skill of your project (`GET /skills/{skill_id}`)."""
        return await self._request("GET", _skill_path(skill_id), SkillResponse, extra=extra)

    async def delete(self, skill_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Delete a skill (`DELETE /skills/{skill_id}`); refused while it is generating."""
        return await self._request("DELETE", _skill_path(skill_id), None, extra=extra)

    async def update(
        self,
        skill_id: uuid.UUID | str,
        *,
        title: str | NotGiven | None = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        categories: Iterable[SkillCategory | str] | NotGiven | None = NOT_GIVEN,
        domains: Iterable[str] | NotGiven | None = NOT_GIVEN,
        is_enabled: bool | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> SkillResponse:
        """Change a skill's title, description, categories, domains or whether it is enabled
        (`PATCH /skills/{skill_id}`); arguments left out are not changed."""
        body = UpdateSkillRequest(
            title=title,
            description=description,
            categories=categories,
            domains=domains,
            is_enabled=is_enabled,
        )
        return await self._request("PATCH", _skill_path(skill_id), SkillResponse, body, extra=extra)

    async def cancel(
        self, skill_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SkillResponse:
        """Cancel the generation in progress (`POST /skills/{skill_id}/cancel`)."""
        return await self._request(
            "POST", f"{_skill_path(skill_id)}/cancel", SkillResponse, extra=extra
        )

    async def rollback(
        self, skill_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SkillResponse:
        """Go back to the skill's previous version (`POST /skills/{skill_id}/rollback`).

        This cannot be undone.
        """
        path = f"{_skill_path(skill_id)}/rollback"
        return await self._request("POST", path, SkillResponse, extra=extra)

    async def execute(
        self,
        skill_id: uuid.UUID | str,
        *,
        parameters: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> ExecuteSkillResponse:
        """Run a skill with `parameters` (`POST /skills/{skill_id}/execute`); billable.

        Pass a `session_id` to run in that session and keep its IP address.
        """
        body = ExecuteSkillRequest(parameters=parameters, session_id=session_id)
        path = f"{_skill_path(skill_id)}/execute"
        return await self._request("POST", path, ExecuteSkillResponse, body, extra=extra)

    async def refine(
        self,
        skill_id: uuid.UUID | str,
        *,
        feedback: str,
        test_output: str | NotGiven | None = NOT_GIVEN,
        test_logs: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> RefineSkillResponse:
        """Generate a new version from `feedback` (`POST /skills/{skill_id}/refine`).

        `feedback` needs at least 10 characters; the last test's output and logs help.
        """
        body = RefineSkillRequest(feedback=feedback, test_output=test_output, test_logs=test_logs)
        path = f"{_skill_path(skill_id)}/refine"
        return await self._request("POST", path, RefineSkillResponse, body, extra=extra)

    def executions(
        self,
        skill_id: uuid.UUID | str,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[SkillExecutionView, SkillExecutionListResponse]:
        """A skill's executions (`GET /skills/{skill_id}/executions`), as a pager: one
        `SkillExecutionListResponse` page, or every execution from that page on."""
        path = f"{_skill_path(skill_id)}/executions"
        params = {
            **page_params(page_size, page_number),
        }
        return numbered_pager(
            self._request, path, SkillExecutionListResponse, params, extra, items=lambda p: p.items
        )

    async def execution_output(
        self,
        skill_id: uuid.UUID | str,
        execution_id: uuid.UUID | str,
        **extra: Unpack[RequestOptions],
    ) -> SkillExecutionOutputResponse:
        """A URL, valid for 5 minutes, to download an execution's output
        (`GET /skills/{skill_id}/executions/{execution_id}/output`)."""
        execution = uuid_segment(execution_id, "execution_id")
        path = f"{_skill_path(skill_id)}/executions/{execution}/output"
        return await self._request("GET", path, SkillExecutionOutputResponse, extra=extra)


class AsyncSkillsWithRawResponse(RawView):
    """`client.skills.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncSkills.list)
    create = raw_twin(AsyncSkills.create)
    get = raw_twin(AsyncSkills.get)
    delete = raw_twin(AsyncSkills.delete)
    update = raw_twin(AsyncSkills.update)
    cancel = raw_twin(AsyncSkills.cancel)
    rollback = raw_twin(AsyncSkills.rollback)
    execute = raw_twin(AsyncSkills.execute)
    refine = raw_twin(AsyncSkills.refine)
    executions = raw_twin(AsyncSkills.executions)
    execution_output = raw_twin(AsyncSkills.execution_output)
