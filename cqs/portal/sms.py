"""The SMS interface of the portal: a `SmsBackend` protocol and the backends shipped.

The backend is chosen by the setting ``CQS_SMS_BACKEND`` (a dotted path; default the console
backend). A real operator's gateway (an SMS brandname provider) is one more class with a
``send_messages`` method; nothing else changes.

* `ConsoleSmsBackend` writes each message to the log (development, demo).
* `FileSmsBackend` appends each message as one JSON line to ``CQS_SMS_FILE_PATH`` (default
  ``<DATA_DIR>/sms/tin-nhan.jsonl``): the demo's "phone", readable with ``tail -f``.
* `LocmemSmsBackend` keeps messages in ``cqs.portal.sms.outbox``, like Django's locmem mail
  backend, for tests.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "cqs.portal.sms.ConsoleSmsBackend"
# A Vietnamese text in UCS-2 fits 70 characters per part; operators bill per part, so the
# portal keeps its messages within three parts.
MAX_SMS_CHARS = 210


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sent_at: datetime = field(default_factory=timezone.now)


@runtime_checkable
class SmsBackend(Protocol):
    """Sends text messages; returns how many were accepted for delivery."""

    def send_messages(self, messages: list[SmsMessage]) -> int: ...


outbox: list[SmsMessage] = []


class LocmemSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class ConsoleSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            logger.info("SMS tới %s: %s", message.to, message.body)
        return len(messages)


class FileSmsBackend:
    def __init__(self, path: Path | str | None = None) -> None:
        default = Path(getattr(settings, "DATA_DIR", ".")) / "sms" / "tin-nhan.jsonl"
        self.path = Path(path or getattr(settings, "CQS_SMS_FILE_PATH", "") or default)

    def send_messages(self, messages: list[SmsMessage]) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            for message in messages:
                row = asdict(message) | {"sent_at": message.sent_at.isoformat()}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return len(messages)


def get_backend() -> SmsBackend:
    path = getattr(settings, "CQS_SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND
    backend = import_string(path)()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"{path} không có phương thức send_messages.")
    return backend


_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# Vietnamese mobile numbers since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x + 7 digits.
_MOBILE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$")


def normalise_phone(raw: str) -> str | None:
    """``"+84 912 345 678"`` / ``"0912.345.678"`` → ``"0912345678"``; None when it is not a
    Vietnamese mobile number."""
    phone = _PHONE_SEPARATORS.sub("", raw or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) == 11:
        phone = "0" + phone[2:]
    return phone if _MOBILE.match(phone) else None


def send_sms(to: str, body: str) -> int:
    """Send one message through the configured backend; trims it to `MAX_SMS_CHARS`."""
    if len(body) > MAX_SMS_CHARS:
        body = body[: MAX_SMS_CHARS - 1] + "…"
    return get_backend().send_messages([SmsMessage(to=to, body=body)])
