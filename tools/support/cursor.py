"""The page token search_jql hands out: our own, signed, bound to one query and field set.

Jira's ``nextPageToken`` only says where the next page starts; replayed with another query it
would page through something else, or through a query the scope never saw. So the agent never
sees Jira's token alone: it is wrapped with a fingerprint of the scoped query and the fields,
and signed with the gateway's key (``JiraGateway.cursor_key``): one per process, or with
REDIS_URL one for every replica, kept in Redis across restarts. A token replayed with another
query or other fields, edited, or signed with another key is refused before anything is sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from typing import Final

from tools.support.base import ToolInputError

MAC_BYTES: Final = 16  # 128 bits: forging is out of reach and the token stays short
FINGERPRINT_BYTES: Final = 8  # enough to tell two queries apart, not to be a secret
RERUN: Final = "Run the query again without page_token to start from the first page."


class PageCursor:
    """Wraps and unwraps Jira page tokens under one secret key.

    A token is base64url(mac | fingerprint | Jira's token): the MAC covers the rest, the
    fingerprint is keyed by the same secret, so neither says anything about the query.
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)

    def wrap(self, jira_token: str, jql: str, fields: Sequence[str]) -> str:
        """The opaque token for the page after this one of (jql, fields)."""
        payload = self._fingerprint(jql, fields) + jira_token.encode()
        return _b64(self._mac(payload) + payload)

    def unwrap(self, token: str, jql: str, fields: Sequence[str]) -> str:
        """Jira's token inside ``token``; ToolInputError unless it was issued for (jql, fields)."""
        payload = self._verified_payload(token)
        fingerprint, jira_token = payload[:FINGERPRINT_BYTES], payload[FINGERPRINT_BYTES:]
        if not hmac.compare_digest(fingerprint, self._fingerprint(jql, fields)):
            raise ToolInputError(
                "This page_token belongs to another query or other fields; a token only "
                f"continues the search that returned it. {RERUN}"
            )
        return jira_token.decode()

    def _verified_payload(self, token: str) -> bytes:
        try:
            raw = _unb64(token.strip())
        except (binascii.Error, ValueError):
            raw = b""
        signature, payload = raw[:MAC_BYTES], raw[MAC_BYTES:]
        if len(payload) <= FINGERPRINT_BYTES or not hmac.compare_digest(
            signature, self._mac(payload)
        ):
            raise ToolInputError(
                "This page_token is not one this server issued (it was changed, or the "
                f"server restarted since). {RERUN}"
            )
        return payload

    def _fingerprint(self, jql: str, fields: Sequence[str]) -> bytes:
        material = json.dumps([jql, list(fields)], separators=(",", ":")).encode()
        digest = hmac.new(self._key, b"query:" + material, hashlib.sha256).digest()
        return digest[:FINGERPRINT_BYTES]

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"token:" + payload, hashlib.sha256).digest()[:MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
