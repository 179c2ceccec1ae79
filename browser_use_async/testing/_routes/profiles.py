"""Profiles and the billing account."""

import uuid

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import JSON, Call, lookup, no_content, page, reply
from browser_use_async.testing._lifecycle import check_credits

__all__ = ["ROUTES"]


def _profile(call: Call) -> JSON:
    return lookup(call.store.profiles, call.params["profile_id"], "Profile not found")


def list_profiles(call: Call) -> web.Response:
    words = (call.params["query"] or "").lower()
    rows = [
        profile
        for profile in call.store.profiles.values()
        if words in f"{profile['name'] or ''}\n{profile['userId'] or ''}".lower()
    ]
    return page(call, rows)


def create_profile(call: Call) -> web.Response:
    check_credits(call.store)
    now = iso(call.store.now())
    profile_id = uuid.uuid4()
    profile: JSON = {
        "id": str(profile_id),
        "userId": call.body.get("userId"),
        "name": call.body.get("name"),
        "lastUsedAt": None,
        "createdAt": now,
        "updatedAt": now,
        "cookieDomains": [],
    }
    call.store.profiles[profile_id] = profile
    return reply(profile, status=201)


def get_profile(call: Call) -> web.Response:
    return reply(_profile(call))


def update_profile(call: Call) -> web.Response:
    profile = _profile(call)
    profile.update(call.body, updatedAt=iso(call.store.now()))
    return reply(profile)


def delete_profile(call: Call) -> web.Response:
    call.store.profiles.pop(call.params["profile_id"], None)
    return no_content()


def billing_account(call: Call) -> web.Response:
    return reply(call.store.account_view())


ROUTES = {
    ("GET", "/profiles"): list_profiles,
    ("POST", "/profiles"): create_profile,
    ("GET", "/profiles/{profile_id}"): get_profile,
    ("PATCH", "/profiles/{profile_id}"): update_profile,
    ("DELETE", "/profiles/{profile_id}"): delete_profile,
    ("GET", "/billing/account"): billing_account,
}
