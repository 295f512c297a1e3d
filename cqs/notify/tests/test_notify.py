"""Notifications: one row per active recipient, an email after commit, inbox reads."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cqs.accounts.models import User
from cqs.accounts.tests.factories import UserFactory
from cqs.notify.models import Notification, NotificationLevel
from cqs.notify.selectors import notifications_for, unread_count
from cqs.notify.services import notification_mark_read, notifications_mark_all_read, notify

pytestmark = pytest.mark.django_db


def _user(username: str, **extra: object) -> User:
    user = UserFactory(username=username, **extra)
    assert isinstance(user, User)
    return user


def test_notify_creates_one_row_per_active_user_and_mails_after_commit(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cqs.sonha.gov.vn/"
    alice = _user("alice")
    bob = _user("bob", email="")
    gone = _user("gone", is_active=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(
            users=[alice, bob, alice, gone, None],
            title="Văn bản mới đến: Công văn số 05/UBND-VP",
            body="Ủy ban nhân dân xã An Lạc: Về việc chuyển đổi số",
            url="/van-ban/5/",
            level=NotificationLevel.URGENT,
        )
        assert mail.outbox == []  # nothing leaves before the commit

    assert [n.user for n in created] == [alice, bob]
    assert Notification.objects.count() == 2
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["alice@example.vn"]
    assert message.subject == "[Chính quyền số] Văn bản mới đến: Công văn số 05/UBND-VP"
    assert "Xem chi tiết: https://cqs.sonha.gov.vn/van-ban/5/" in message.body


def test_a_rolled_back_action_mails_nobody(django_capture_on_commit_callbacks):
    alice = _user("alice")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[alice], title="Thử", body="Không gửi")
        raise RuntimeError("the service failed")

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_email_can_be_skipped_and_long_titles_are_cut(django_capture_on_commit_callbacks):
    alice = _user("alice")
    with django_capture_on_commit_callbacks(execute=True):
        [created] = notify(users=[alice], title="Đ" * 300, body="", email=False)
    assert len(created.title) == 200
    assert mail.outbox == []


def test_a_mail_outage_does_not_break_the_committed_action(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens
    settings.EMAIL_TIMEOUT = 1
    alice = _user("alice")

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[alice], title="Thử", body="Máy chủ thư không chạy")

    assert Notification.objects.filter(user=alice).exists()
    assert "Không gửi được 1 thư thông báo" in caplog.text


def test_inbox_reads_and_marking_read():
    alice = _user("alice")
    bob = _user("bob")
    first, second = (notify(users=[alice], title=t, body="", email=False)[0] for t in ("Một", "Hai"))
    notify(users=[bob], title="Của Bob", body="", email=False)

    assert list(notifications_for(alice)) == [second, first]
    assert unread_count(alice) == 2
    with pytest.raises(PermissionDenied):
        notification_mark_read(by=bob, notification=first)

    notification_mark_read(by=alice, notification=first)
    assert first.is_read and unread_count(alice) == 1
    assert list(notifications_for(alice, unread_only=True)) == [second]
    assert notifications_mark_all_read(by=alice) == 1
    assert unread_count(alice) == 0 and unread_count(bob) == 1
