"""Citizen accounts: registration and the profile. Staff accounts never get a profile, and a
citizen account never gets a Position, so the two kinds of account do not cross."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.text import nfc
from cqs.portal.models import CitizenProfile


@dataclass(frozen=True)
class ProfileData:
    full_name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    notify_email: bool = True
    notify_sms: bool = True


def _check_unique(*, phone: str, email: str, exclude_user_id: int | None = None) -> None:
    others = CitizenProfile.objects.all()
    if exclude_user_id is not None:
        others = others.exclude(user_id=exclude_user_id)
    if phone and others.filter(phone=phone).exists():
        raise ApplicationError(
            "Số điện thoại này đã được dùng để đăng ký một tài khoản khác. Nếu đó là tài khoản "
            "của bạn, hãy đăng nhập.",
            code="phone_taken",
        )
    if email and others.filter(email__iexact=email).exists():
        raise ApplicationError(
            "Thư điện tử này đã được dùng để đăng ký một tài khoản khác. Nếu đó là tài khoản "
            "của bạn, hãy đăng nhập.",
            code="email_taken",
        )


def citizen_register(*, data: ProfileData, password: str) -> Any:
    """A new citizen account; its username is the phone number or the email it registered with.

    `data.phone` and `data.email` must already be normalised (forms do it); one is required.
    """
    if not data.phone and not data.email:
        raise ApplicationError("Cần số điện thoại di động hoặc thư điện tử để đăng nhập.", code="no_login")
    User = get_user_model()
    username = data.phone or data.email.lower()
    candidate = User(username=username, email=data.email, full_name=nfc(data.full_name), phone=data.phone)
    validate_password(password, candidate)
    with transaction.atomic():
        _check_unique(phone=data.phone, email=data.email)
        if User.objects.filter(username__iexact=username).exists():
            raise ApplicationError("Tài khoản với thông tin đăng nhập này đã tồn tại.", code="username_taken")
        candidate.set_password(password)
        try:
            with transaction.atomic():
                candidate.save()
                profile = CitizenProfile.objects.create(
                    user=candidate,
                    full_name=nfc(data.full_name).strip(),
                    id_number=data.id_number,
                    phone=data.phone,
                    email=data.email.lower(),
                    address=nfc(data.address).strip(),
                    notify_email=data.notify_email,
                    notify_sms=data.notify_sms,
                )
        except IntegrityError:  # a concurrent registration with the same phone or email
            raise ApplicationError(
                "Tài khoản với thông tin đăng nhập này đã tồn tại.", code="username_taken"
            ) from None
        audit_record(
            actor=candidate,
            action="portal.citizen_register",
            target=profile,
            payload={"by_phone": bool(data.phone), "by_email": bool(data.email)},
        )
    return candidate


def citizen_profile_update(*, actor: Any, data: ProfileData) -> CitizenProfile:
    """The citizen changes their own details; at least one way to log in must remain."""
    if not data.phone and not data.email:
        raise ApplicationError(
            "Cần giữ lại số điện thoại di động hoặc thư điện tử để đăng nhập.", code="no_login"
        )
    with transaction.atomic():
        profile = CitizenProfile.objects.select_for_update().get(user=actor)
        _check_unique(phone=data.phone, email=data.email, exclude_user_id=actor.pk)
        changed = []
        for name in ("full_name", "id_number", "phone", "email", "address", "notify_email", "notify_sms"):
            value = getattr(data, name)
            if isinstance(value, str):
                value = nfc(value).strip()
                if name == "email":
                    value = value.lower()
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.append(name)
        if changed:
            profile.save(update_fields=changed)
            actor.full_name = profile.full_name
            actor.email = profile.email
            actor.phone = profile.phone
            actor.save(update_fields=["full_name", "email", "phone"])
        audit_record(actor=actor, action="portal.profile_update", target=profile, payload={"fields": changed})
    return profile
