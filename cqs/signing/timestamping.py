"""RFC 3161 timestamps (PAdES B-T) from the server in ``SIGNING_TSA_URL``, over plain HTTP(S).

The standard library's urllib does the request (in a worker thread, as pyHanko expects an
awaitable), so no extra HTTP client is needed.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from typing import Any

from asn1crypto import tsp  # type: ignore[import-untyped]
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from cqs.signing import conf

__all__ = ["HttpTimeStamper", "configured_timestamper"]

_REPLY_TYPE = "application/timestamp-reply"
_MAX_REPLY_BYTES = 1024 * 1024


class HttpTimeStamper(TimeStamper):
    """Posts the timestamp query to `url` and reads the reply."""

    def __init__(self, url: str, *, timeout: float) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("the timestamp server URL must be http(s)")
        super().__init__()  # type: ignore[no-untyped-call]
        self.url = url
        self.timeout = timeout

    def _post(self, body: bytes) -> Any:
        request = urllib.request.Request(
            self.url, data=body, method="POST", headers={"Content-Type": "application/timestamp-query"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only)
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
                payload = response.read(_MAX_REPLY_BYTES + 1)
        except (urllib.error.URLError, OSError) as error:
            raise TimestampRequestError(f"Không kết nối được máy chủ dấu thời gian: {error}") from error
        if content_type != _REPLY_TYPE or len(payload) > _MAX_REPLY_BYTES:
            raise TimestampRequestError("Máy chủ dấu thời gian trả lời không đúng định dạng RFC 3161.")
        return tsp.TimeStampResp.load(payload)

    async def async_request_tsa_response(self, req: Any) -> Any:
        return await asyncio.to_thread(self._post, req.dump())


def configured_timestamper() -> HttpTimeStamper | None:
    """A timestamper for ``SIGNING_TSA_URL``, or None (PAdES B-B) when it is empty."""
    url = conf.tsa_url()
    return HttpTimeStamper(url, timeout=conf.tsa_timeout_seconds()) if url else None
