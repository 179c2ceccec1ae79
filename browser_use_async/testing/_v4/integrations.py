"""v4 integrations (a spec amendment): a small catalogue, connected by a test.

The wire is snake_case here, as the official package reads it. `authorize` answers the URL a
user would open; the fake cannot finish an OAuth dance, so a test connects a provider with
`fake.connect_integration(provider)`.
"""

from aiohttp import web

from browser_use_async.testing._http import JSON, Call, HTTPProblem, reply

__all__ = ["CATALOGUE", "ROUTES"]

INTEGRATION_NOT_FOUND = "Integration not found"
# provider -> (display name, description, category, popular)
CATALOGUE: dict[str, tuple[str, str, str, bool]] = {
    "gmail": ("Gmail", "Read and send email.", "communication", True),
    "slack": ("Slack", "Post and read channel messages.", "communication", True),
    "github": ("GitHub", "Issues, pull requests and repositories.", "developer", True),
    "notion": ("Notion", "Pages and databases.", "productivity", False),
    "google_calendar": ("Google Calendar", "Events and schedules.", "productivity", False),
}


def _view(call: Call, provider: str) -> JSON:
    name, description, category, popular = CATALOGUE[provider]
    return {
        "provider": provider,
        "display_name": name,
        "description": description,
        "icon_url": f"https://icons.example.com/{provider}.svg",
        "category": category,
        "is_connected": provider in call.store.v4.connected,
        "auth_type": "oauth2",
        "is_popular": popular,
    }


def _provider(call: Call) -> str:
    provider: str = call.params["provider"]
    if provider not in CATALOGUE:
        raise HTTPProblem(404, INTEGRATION_NOT_FOUND)
    return provider


def list_integrations(call: Call) -> web.Response:
    p = call.params
    words = (p["search"] or "").lower()
    rows = [
        row
        for row in (_view(call, provider) for provider in CATALOGUE)
        if words in f"{row['provider']}\n{row['display_name']}\n{row['description']}".lower()
        and (not p["popular_only"] or row["is_popular"])
        and (not p["connected_only"] or row["is_connected"])
    ]
    limit, offset = p["limit"] or 50, p["offset"] or 0
    chunk = rows[offset : offset + limit]
    return reply({"integrations": chunk, "total": len(rows), "limit": limit, "offset": offset})


def categories(call: Call) -> web.Response:
    return reply({"categories": sorted({entry[2] for entry in CATALOGUE.values()})})


def authorize(call: Call) -> web.Response:
    provider = _provider(call)
    url = f"https://auth.example.com/oauth/{provider}/authorize"
    return reply({"redirect_url": url, "provider": provider})


def status(call: Call) -> web.Response:
    provider = _provider(call)
    return reply({"provider": provider, "is_connected": provider in call.store.v4.connected})


def disconnect(call: Call) -> web.Response:
    """Idempotent: `success` is true whether or not it was connected."""
    provider = _provider(call)
    call.store.v4.connected.discard(provider)
    return reply({"success": True, "provider": provider})


ROUTES = {
    ("GET", "/integrations"): list_integrations,
    ("GET", "/integrations/categories"): categories,
    ("POST", "/integrations/{provider}/authorize"): authorize,
    ("GET", "/integrations/{provider}/status"): status,
    ("DELETE", "/integrations/{provider}"): disconnect,
}
