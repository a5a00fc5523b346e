"""Issue JSON shaped like Jira Cloud's, bloat included: self links, avatar URLs, status
categories, and the many null custom fields a site accumulates."""

from __future__ import annotations

from typing import Any

SITE = "https://your-domain.atlassian.net"
SUMMARY = "Checkout fails when the cart holds a giftcard item"  # 50 characters


def avatar_urls(account_id: str) -> dict[str, str]:
    """The four avatar sizes Jira attaches to every user object."""
    base = f"https://secure.gravatar.com/avatar/{account_id}?d=https%3A%2F%2Favatar-management"
    return {size: f"{base}--avatars.us-west-2.prod.public.atl-paas.net%2Fdefault.png&s={size}"
            for size in ("48x48", "24x24", "16x16", "32x32")}  # fmt: skip


def user(account_id: str, name: str) -> dict[str, Any]:
    """A `UserDetails` object as Jira Cloud returns it."""
    return {
        "self": f"{SITE}/rest/api/3/user?accountId={account_id}",
        "accountId": account_id,
        "emailAddress": None,
        "avatarUrls": avatar_urls(account_id),
        "displayName": name,
        "active": True,
        "timeZone": "Europe/Berlin",
        "accountType": "atlassian",
    }


def status(name: str, category_key: str, category_name: str) -> dict[str, Any]:
    """A `StatusDetails` object with its status category."""
    return {
        "self": f"{SITE}/rest/api/3/status/3",
        "description": "This issue is being actively worked on at the moment by the assignee.",
        "iconUrl": f"{SITE}/images/icons/statuses/inprogress.png",
        "name": name,
        "id": "3",
        "statusCategory": {
            "self": f"{SITE}/rest/api/3/statuscategory/4",
            "id": 4,
            "key": category_key,
            "colorName": "yellow",
            "name": category_name,
        },
    }


def description_adf() -> dict[str, Any]:
    """A description with a heading, a paragraph with marks, and a list."""
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 3}, "content": [
                {"type": "text", "text": "Steps to reproduce"}]},
            {"type": "orderedList", "attrs": {"order": 1}, "content": [
                {"type": "listItem", "content": [{"type": "paragraph", "content": [
                    {"type": "text", "text": "Add a "},
                    {"type": "text", "text": "gift card", "marks": [{"type": "strong"}]},
                    {"type": "text", "text": " to the cart"}]}]},
                {"type": "listItem", "content": [{"type": "paragraph", "content": [
                    {"type": "text", "text": "Press "},
                    {"type": "text", "text": "Pay now", "marks": [{"type": "code"}]}]}]},
            ]},
            {"type": "paragraph", "content": [
                {"type": "text", "text": "Reported by "},
                {"type": "mention", "attrs": {"id": "5b10a2844c20165700ede21g",
                                              "text": "@Mia Krystof"}},
                {"type": "text", "text": " after the 4.2 release."}]},
        ],
    }  # fmt: skip


def issue(key: str = "PROJ-123", summary: str = SUMMARY) -> dict[str, Any]:
    """An issue as `/search/jql` returns it with `fields=*navigable` on a real Cloud site."""
    fields: dict[str, Any] = {
        "summary": summary,
        "status": status("In Progress", "indeterminate", "In Progress"),
        "assignee": user("5b10ac8d82e05b22cc7d4ef5", "Mia Krystof"),
        "reporter": user("5b10a2844c20165700ede21g", "Emma Richards"),
        "creator": user("5b10a2844c20165700ede21g", "Emma Richards"),
        "priority": {
            "self": f"{SITE}/rest/api/3/priority/3",
            "iconUrl": f"{SITE}/images/icons/priorities/medium.svg",
            "name": "Medium",
            "id": "3",
        },
        "issuetype": {
            "self": f"{SITE}/rest/api/3/issuetype/10001",
            "id": "10001",
            "description": "A small, distinct piece of work.",
            "iconUrl": f"{SITE}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318",
            "name": "Task",
            "subtask": False,
            "avatarId": 10318,
            "entityId": "b8d2a8a6-05b3-4bdc-a5d7-3b8ab1c0e5d5",
            "hierarchyLevel": 0,
        },
        "project": {
            "self": f"{SITE}/rest/api/3/project/10000",
            "id": "10000",
            "key": "PROJ",
            "name": "Storefront",
            "projectTypeKey": "software",
            "simplified": False,
            "avatarUrls": avatar_urls("project-10000"),
        },
        "updated": "2025-11-20T09:14:27.318+0100",
        "created": "2025-11-18T16:02:11.004+0100",
        "resolutiondate": None,
        "duedate": "2025-12-01",
        "resolution": None,
        "labels": ["checkout", "payments"],
        "components": [{"self": f"{SITE}/rest/api/3/component/10002", "id": "10002",
                        "name": "Payments"}],
        "fixVersions": [{"self": f"{SITE}/rest/api/3/version/10010", "id": "10010",
                         "description": "", "name": "4.3", "archived": False,
                         "released": False, "releaseDate": "2025-12-15"}],
        "versions": [],
        "description": description_adf(),
        "environment": None,
        "watches": {"self": f"{SITE}/rest/api/3/issue/{key}/watchers", "watchCount": 2,
                    "isWatching": False},
        "votes": {"self": f"{SITE}/rest/api/3/issue/{key}/votes", "votes": 0,
                  "hasVoted": False},
        "progress": {"progress": 0, "total": 0},
        "aggregateprogress": {"progress": 0, "total": 0},
        "timeestimate": None,
        "timeoriginalestimate": None,
        "aggregatetimeestimate": None,
        "workratio": -1,
        "lastViewed": "2025-11-20T10:01:55.902+0100",
        "statuscategorychangedate": "2025-11-19T11:30:00.000+0100",
        "security": None,
        "issuelinks": [],
        "subtasks": [],
        "customfield_10016": 5.0,
        "customfield_10020": [{"id": 37, "name": "Sprint 14", "state": "active",
                               "boardId": 2, "goal": "Ship gift cards",
                               "startDate": "2025-11-17T08:00:00.000Z",
                               "endDate": "2025-11-28T17:00:00.000Z"}],
        "customfield_10021": None,
        "customfield_10019": "0|i0009b:",
    }  # fmt: skip
    # A site's unused custom fields still come back, as nulls, with *navigable.
    fields.update({f"customfield_{number}": None for number in range(10030, 10070)})
    return {
        "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
        "id": "10123",
        "self": f"{SITE}/rest/api/3/issue/10123",
        "key": key,
        "fields": fields,
    }
