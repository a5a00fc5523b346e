"""Attachments: metadata, content (redirected to the media host, as Jira Cloud does), upload.

Jira Cloud answers ``GET /attachment/content/{id}`` with a 303 to Atlassian's media host
unless ``redirect=false`` is asked; the media host takes a token in the URL and never Jira's
credentials. Uploads are multipart/form-data with the files in parts named ``file`` and need
``X-Atlassian-Token: no-check`` (Atlassian's REST v3 reference, "Add attachment").
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from sandbox.routes import shapes
from sandbox.routes.common import ApiError, View, ok, view
from sandbox.site import Attachment, Issue

NO_ATTACHMENT = (
    "The attachment with id '{id}' does not exist or you do not have permission to view it."
)
XSRF_FAILED = "XSRF check failed"
# Jira Cloud's default attachment size limit (Atlassian support: "Configure file attachments").
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_MEDIA_KEY = b"sandbox-media"  # signs the media tokens: a made-up URL is refused


def _visible_attachment(v: View, raw_id: str) -> tuple[Issue, Attachment]:
    found = v.site.find_attachment(int(raw_id)) if raw_id.isdigit() else None
    if found is None or not v.site.visible(v.account_id, found[0]):
        raise ApiError(404, [NO_ATTACHMENT.format(id=raw_id)])
    return found


def _media_token(attachment_id: int) -> str:
    return hmac.new(_MEDIA_KEY, str(attachment_id).encode(), hashlib.sha256).hexdigest()[:32]


async def get_metadata(request: Request) -> Response:
    """GET /rest/api/3/attachment/{id}: AttachmentMetadata."""
    v = view(request)
    _, attachment = _visible_attachment(v, request.path_params["id"])
    return ok(shapes.attachment_metadata(v, attachment))


async def get_content(request: Request) -> Response:
    """GET /rest/api/3/attachment/content/{id}: 303 to the media host, or the bytes."""
    v = view(request)
    _, attachment = _visible_attachment(v, request.path_params["id"])
    if request.query_params.get("redirect", "true").lower() == "false":
        return _bytes(attachment)
    token = _media_token(attachment.id)
    location = f"{v.site.media_url}/file/{attachment.id}/binary?token={token}"
    return RedirectResponse(location, status_code=303)


async def secure_download(request: Request) -> Response:
    """GET /secure/attachment/{id}/{filename} (Data Center): the bytes, found by id alone, as
    Jira does (a link with another file name still serves the file: Atlassian developer
    community, "JWT token to download attachments", t/4072)."""
    v = view(request)
    _, attachment = _visible_attachment(v, request.path_params["id"])
    return _bytes(attachment)


async def media_download(request: Request) -> Response:
    """GET {media host}/file/{id}/binary?token=...: the bytes, for a valid token."""
    site = request.app.state.site
    raw_id = request.path_params["id"]
    found = site.find_attachment(int(raw_id)) if raw_id.isdigit() else None
    token = request.query_params.get("token", "")
    if found is None or not hmac.compare_digest(token, _media_token(found[1].id)):
        return Response(status_code=404)
    # A media host apart from the site must never be sent Jira's credentials.
    if site.media_url != site.base_url and "authorization" in request.headers:
        request.app.state.counters.media_with_credentials += 1
    return _bytes(found[1])


def _bytes(attachment: Attachment) -> Response:
    return Response(
        attachment.content,
        media_type=attachment.mime_type,
        headers={"Content-Disposition": f'attachment; filename="{attachment.filename}"'},
    )


async def upload(request: Request) -> Response:
    """POST /rest/api/3/issue/{idOrKey}/attachments: the new attachments' details."""
    if request.headers.get("x-atlassian-token", "").lower() != "no-check":
        raise ApiError(403, [XSRF_FAILED])
    v = view(request)
    issue = v.issue(request.path_params["key"])
    # The form's spooled files are closed when the block ends.
    async with request.form(max_part_size=MAX_UPLOAD_BYTES + 1) as form:
        files = [part for part in form.getlist("file") if isinstance(part, UploadFile)]
        contents = [(part.filename, part.content_type, await part.read()) for part in files]
    if not contents:
        raise ApiError(400, ["No file was attached: send each file in a part named 'file'."])
    if any(len(content) > MAX_UPLOAD_BYTES for _, _, content in contents):
        raise ApiError(413, ["The file is larger than the attachment size limit (10 MB)."])
    created = [
        v.site.attach(
            issue, filename or "file", mime or "application/octet-stream", content, v.account_id
        )
        for filename, mime, content in contents
    ]
    v.site.committed()
    return ok([shapes.attachment(v, a) for a in created])


ROUTES = [
    Route("/rest/api/3/attachment/content/{id}", get_content, methods=["GET"]),
    Route("/rest/api/3/attachment/{id}", get_metadata, methods=["GET"]),
    Route("/rest/api/3/issue/{key}/attachments", upload, methods=["POST"]),
    Route("/file/{id}/binary", media_download, methods=["GET"]),
]
# Data Center only: its attachment content is served outside the REST API.
DATACENTER_ROUTES = [
    Route("/secure/attachment/{id}/{filename}", secure_download, methods=["GET"]),
]
