"""Reads of the citizen portal: who is a citizen, the procedure catalogue as citizens see it,
a citizen's drafts and dossiers, the public timeline of a dossier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cqs.core.text import fold
from cqs.onestop.models import Dossier, DossierEvent, DossierPause, OnlineLevel, Procedure, ProcedureVersion
from cqs.org.models import Agency
from cqs.portal.models import CitizenProfile, DraftApplication, DraftPurpose
from cqs.portal.sms import normalise_phone


def is_citizen(user: Any) -> bool:
    """A signed-in, active user with a citizen profile (staff never have one)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return CitizenProfile.objects.filter(user_id=user.pk).exists()


def citizen_username(login: str) -> str:
    """The username behind a phone number or an email typed at the citizen login, or the
    text as typed when no citizen has it (authentication then fails the usual way)."""
    value = login.strip()
    phone = normalise_phone(value)
    lookup = Q(phone=phone) if phone else Q(email__iexact=value)
    username = CitizenProfile.objects.filter(lookup).values_list("user__username", flat=True).first()
    return username or value


def competent_agencies(version: ProcedureVersion, on: date | None = None) -> QuerySet[Agency]:
    """Where a citizen may file `version`: its competent agency, or every agency of the
    procedure's level valid today (e.g. every commune for a commune procedure)."""
    on = on or timezone.localdate()
    agencies = Agency.objects.valid_on(on)
    if version.competent_agency_id is not None:
        return agencies.filter(pk=version.competent_agency_id)
    return agencies.filter(level=version.procedure.level).order_by("name")


def citizen_profile(user: Any) -> CitizenProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CitizenProfile.objects.filter(user_id=user.pk).first()


@dataclass(frozen=True)
class ProcedureCard:
    procedure: Procedure
    version: ProcedureVersion

    @property
    def online(self) -> bool:
        return self.version.online_level != OnlineLevel.NONE


def current_version(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.filter(is_current=True).first()


def search_procedures(query: str = "", field: str = "", level: str = "") -> list[ProcedureCard]:
    """Active procedures with a current version, accent-insensitive on code, name and field
    ("khai sinh" finds "Đăng ký khai sinh"); fully online first, then partly, then the rest."""
    versions = (
        ProcedureVersion.objects.filter(is_current=True, procedure__is_active=True)
        .select_related("procedure")
        .order_by("procedure__field", "procedure__name")
    )
    if field:
        versions = versions.filter(procedure__field=field)
    if level:
        versions = versions.filter(procedure__level=level)
    words = fold(query).split()
    cards = []
    for version in versions:
        procedure = version.procedure
        haystack = fold(f"{procedure.code} {procedure.name} {procedure.field}")
        if all(word in haystack for word in words):
            cards.append(ProcedureCard(procedure=procedure, version=version))
    rank = {OnlineLevel.FULL: 0, OnlineLevel.PARTIAL: 1, OnlineLevel.NONE: 2}
    cards.sort(key=lambda c: rank.get(OnlineLevel(c.version.online_level), 3))
    return cards


def procedure_fields() -> list[str]:
    return list(
        Procedure.objects.filter(is_active=True).order_by("field").values_list("field", flat=True).distinct()
    )


def open_drafts(user: Any) -> QuerySet[DraftApplication]:
    return DraftApplication.objects.filter(
        owner_id=user.pk, purpose=DraftPurpose.SUBMISSION, sent_at__isnull=True
    ).select_related("version__procedure")


def public_events(dossier: Dossier) -> list[DossierEvent]:
    """The owner's timeline: every public event, oldest first, with every reason given."""
    return list(dossier.events.filter(public=True).order_by("at", "id"))


def open_pause(dossier: Dossier) -> DossierPause | None:
    return dossier.pauses.filter(supplied_at__isnull=True).order_by("-requested_at").first()


def owner_dossiers(user: Any) -> QuerySet[Dossier]:
    from cqs.onestop.selectors import dossiers_of_owner

    return dossiers_of_owner(user)
