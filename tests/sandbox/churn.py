"""Other people's work on a sandbox site between two pages: issues created, deleted, moved."""

from __future__ import annotations

from sandbox.site import Issue, Site


def create_issue(site: Site, project: str) -> Issue:
    """A new issue of ``project``, created at the site's current time (a copy of its first)."""
    template = next(issue for issue in site.issues() if issue.project == project)
    issue_id, key = site.allocate_issue(project)
    now = site.now
    issue = template.model_copy(
        update={
            "id": issue_id,
            "key": key,
            "summary": f"Created meanwhile {key}",
            "created": now,
            "updated": now,
            "comments": [],
            "attachments": [],
            "changelog": [],
        },
        deep=True,
    )
    site.add_issue(issue)
    return issue


def delete_issue(site: Site, issue: Issue) -> None:
    """Delete an issue: search, and lookups by id or key, no longer find it."""
    site.data.issues.remove(issue)
    site.by_id.pop(issue.id, None)
    site.by_key.pop(issue.key.upper(), None)


def issues_of(site: Site, project: str) -> dict[int, str]:
    """Issue id -> key of every issue of ``project`` now."""
    return {issue.id: issue.key for issue in site.issues() if issue.project == project}
