"""The fake agent's steps: shaped like a browser-use agent's, made up from the task's prompt.

A step is a pure function of the prompt, the start URL and its number (a `random.Random`
seeded with them), so the same task reads the same in every test run.
"""

import json
import random
import urllib.parse
from typing import Any

__all__ = ["agent_step"]

JSON = dict[str, Any]

_ENGINES = ("https://duckduckgo.com", "https://www.google.com", "https://www.bing.com")
_SITES = ("www.example.com", "shop.example.net", "docs.example.org", "news.example.com")
_PAGES = ("results", "item", "details", "listing", "article")
_SUCCESS = ("Success - ", "Success - as planned, ")


def _move(number: int, start_url: str | None) -> str:
    """What the agent does at step `number`: open a search engine (unless the task gave a
    start URL), search, then open a result and extract from it, in turn."""
    if start_url is None:
        if number == 1:
            return "go_to_url"
        number -= 1
    if number == 1:
        return "input_text"
    return "click_element_by_index" if number % 2 == 0 else "extract_content"


def _url(prompt: str, number: int, start_url: str | None) -> str:
    """The page the browser is on at step `number`: where the previous step's move led."""
    if number == 1:
        return start_url or "about:blank"
    engine = random.Random(prompt).choice(_ENGINES)  # noqa: S311 (not for secrets)
    move = _move(number - 1, start_url)
    if move == "go_to_url":
        return engine
    if move == "input_text":
        query = urllib.parse.urlencode({"q": _topic(prompt)})
        return urllib.parse.urljoin(start_url or engine, f"/search?{query}")
    if move == "extract_content":
        return _url(prompt, number - 1, start_url)
    rng = random.Random(f"{prompt}\0{number}")  # noqa: S311
    return f"https://{rng.choice(_SITES)}/{rng.choice(_PAGES)}/{rng.randrange(100, 10_000)}"


def _topic(prompt: str) -> str:
    """The prompt's first words: what the agent searches for (a long prompt stays short)."""
    return " ".join(prompt.split()[:6])[:80] or "the task"


def agent_step(
    prompt: str,
    number: int,
    *,
    start_url: str | None = None,
    done: tuple[bool, str] | None = None,
) -> JSON:
    """Step `number` (from 1) of a task: its memory, evaluation, goal, URL and actions (each a
    JSON string, as the API sends them). With `done` (success, text) it is the last step: the
    agent's `done` action with the task's outcome."""
    rng = random.Random(f"{prompt}\0{start_url}\0{number}")  # noqa: S311 (not for secrets)
    topic = _topic(prompt)
    url = _url(prompt, number, start_url)
    host = urllib.parse.urlsplit(url).hostname or "the page"
    index = rng.randrange(1, 40)
    if number == 1:
        evaluation = "Unknown - the task has just started, nothing to evaluate yet."
    else:
        done_before = {
            "go_to_url": "the search engine is open",
            "input_text": f"the results for {topic} are listed",
            "click_element_by_index": f"the page on {host} is open",
            "extract_content": "the page's content is extracted",
        }[_move(number - 1, start_url)]
        evaluation = rng.choice(_SUCCESS) + done_before + "."
    action: JSON
    move = _move(number, start_url)
    if done is not None:
        success, text = done
        goal = "Report the result to the user." if success else "Report what went wrong."
        action = {"done": {"text": text, "success": success}}
    elif move == "go_to_url":
        engine = _url(prompt, 2, start_url)
        goal, action = f"Open {engine} to search for {topic}.", {"go_to_url": {"url": engine}}
    elif move == "input_text":
        goal = f"Type '{topic}' into the search box on {host} and submit it."
        action = {"input_text": {"index": index, "text": topic}}
    elif move == "click_element_by_index":
        goal = "Open the result that matches the task best."
        action = {"click_element_by_index": {"index": index}}
    else:
        goal = f"Extract what the page on {host} says about {topic}."
        action = {"extract_content": {"goal": f"information about {topic}"}}
    return {
        "number": number,
        "memory": f"Working on: {topic}. Step {number}; {number - 1} done so far.",
        "evaluationPreviousGoal": evaluation,
        "nextGoal": goal,
        "url": url,
        "actions": [json.dumps(action)],
    }
