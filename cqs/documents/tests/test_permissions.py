"""Who sees which document: agency isolation, secret documents, named readers, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cqs.accounts.tests.factories import UserFactory
from cqs.documents.models import Direction, Document, DocumentStatus, RegisterSeries, Secrecy
from cqs.documents.permissions import (
    access_document,
    can_chase,
    can_release,
    can_route,
    can_sign,
    can_view_content,
    visible_documents,
)
from cqs.documents.services import document_route, incoming_register, outgoing_recall
from cqs.documents.services._common import local_today
from cqs.documents.tests.test_services_common import (
    World,
    approved,
    copy_of,
    draft,
    incoming_data,
    register,
    released,
    world,
)
from cqs.org.models import Position, Role
from cqs.org.testing import give_position, make_person

pytestmark = pytest.mark.django_db


def _documents(w: World) -> dict[str, Document]:
    old = Document.objects.create(
        owner=w.old_commune,
        direction=Direction.INCOMING,
        status=DocumentStatus.REGISTERED,
        series=RegisterSeries.INCOMING,
        arrival_number=1,
        registered_year=2024,
        doc_type="Công văn",
        issuing_agency_name="Ủy ban nhân dân huyện Cũ",
        subject="Văn bản của xã Cũ trước sáp nhập",
    )
    return {
        "a_plain": register(w, number="1"),
        "a_secret": register(w, number="2", secrecy=Secrecy.SECRET),
        "a_draft": draft(w),
        "b_plain": incoming_register(by=w.clerk_b, owner=w.commune_b, data=incoming_data()),
        "old": old,
    }


# persona -> the documents it may open (read); every other document answers 404.
READ_MATRIX = {
    "clerk_a": {"a_plain", "a_secret", "a_draft", "old"},
    "officer_a": {"a_plain", "a_draft", "old"},  # not the secret one: not named on it
    "officer_a2": {"a_plain", "a_draft", "old"},
    "leader_a": {"a_plain", "a_secret", "a_draft", "old"},  # the agency's leadership routes secret ones
    "head_a": {"a_plain", "a_draft", "old"},  # a unit head is not the agency's leadership
    "clerk_b": {"b_plain"},
    "leader_b": {"b_plain"},
    "department_leader": set(),
    "province_admin": set(),  # administers the tree, but reads no agency's correspondence
    "office_reporter": set(),
}


def _opens(user: object, document: Document) -> bool:
    try:
        assert access_document(user, document.pk) == document
    except Http404:
        return False
    return True


def test_read_matrix(cast):
    w = world(cast)
    documents = _documents(w)

    for persona, readable in READ_MATRIX.items():
        user = getattr(w, persona)
        opened = {key for key, document in documents.items() if _opens(user, document)}
        assert opened == readable, persona
        assert set(visible_documents(user)) == {documents[k] for k in readable}, persona


def test_history_is_read_only_for_the_successor(cast):
    w = world(cast)
    documents = _documents(w)

    assert access_document(w.clerk_a, documents["old"].pk) == documents["old"]
    with pytest.raises(Http404):
        access_document(w.clerk_a, documents["old"].pk, for_write=True)
    assert access_document(w.clerk_a, documents["a_plain"].pk, for_write=True) == documents["a_plain"]


def test_commune_a_clerk_cannot_open_commune_b_documents_even_when_sent_to_b(cast):
    w = world(cast)
    document = released(w)
    copy = copy_of(document, w.commune_b)

    with pytest.raises(Http404):
        access_document(w.clerk_a, copy.pk)  # the recipient's copy belongs to commune B
    with pytest.raises(Http404):
        access_document(w.clerk_b, document.pk)  # and the sender's original to commune A
    assert access_document(w.clerk_b, copy.pk) == copy


def test_secret_document_opens_to_the_people_named_on_it(cast):
    w = world(cast)
    secret = register(w, secrecy=Secrecy.SECRET)
    with pytest.raises(Http404):
        access_document(w.officer_a2, secret.pk)
    with pytest.raises(Http404):
        access_document(w.head_a, secret.pk)

    document_route(
        by=w.leader_a,
        document=secret,
        lead=w.unit_a,
        supports=[w.officer_a2],
        direction="Xử lý theo chế độ mật.",
    )

    assert access_document(w.officer_a2, secret.pk) == secret  # named in an assignment
    assert access_document(w.head_a, secret.pk) == secret  # heads the unit it is assigned to
    with pytest.raises(Http404):
        access_document(w.officer_a, secret.pk)  # same unit, but not named


def test_drafter_and_signer_keep_access_after_leaving(cast):
    w = world(cast)
    document = approved(w, secrecy=Secrecy.SECRET)
    Position.objects.filter(user__in=[w.officer_a, w.leader_a]).update(
        valid_to=local_today() - timedelta(days=1)
    )

    assert access_document(w.officer_a, document.pk) == document
    assert access_document(w.leader_a, document.pk) == document
    assert document not in visible_documents(w.officer_a2)  # a colleague without a name on it


def test_ended_positions_and_anonymous_users_see_nothing(cast):
    w = world(cast)
    document = register(w)
    former = make_person("cu_a", "Cán bộ Cũ")
    position = give_position(former, w.commune_a, Role.OFFICER, title="Chuyên viên")
    assert access_document(former, document.pk) == document
    position.valid_to = local_today() - timedelta(days=1)
    position.save()

    for user in (former, AnonymousUser()):
        with pytest.raises(Http404):
            access_document(user, document.pk)
    w.officer_a.is_active = False
    w.officer_a.save()
    assert not visible_documents(w.officer_a).exists()


def test_superuser_sees_everything_and_bad_ids_are_not_found(cast):
    w = world(cast)
    documents = _documents(w)
    root = UserFactory(superuser=True)

    assert set(visible_documents(root)) == set(documents.values())
    for bad in (999_999, "abc", "1.5"):
        with pytest.raises(Http404):
            access_document(root, bad)


def test_role_checks(cast):
    w = world(cast)
    incoming = register(w)
    outgoing = approved(w)
    [lead] = document_route(by=w.leader_a, document=incoming, lead=w.unit_a, direction="Xử lý.")

    assert can_route(w.leader_a, incoming) and not can_route(w.head_a, incoming)
    assert not can_route(w.leader_a, outgoing)
    assert can_release(w.clerk_a, outgoing) and not can_release(w.clerk_b, outgoing)
    assert not can_release(w.officer_a, outgoing)
    assert can_sign(w.leader_a, outgoing) and not can_sign(w.head_a, outgoing)
    assert can_chase(w.clerk_a, lead) and can_chase(w.leader_a, lead) and not can_chase(w.officer_a, lead)


def test_cancelled_copy_keeps_metadata_but_hides_content(cast):
    w = world(cast)
    document = released(w)
    copy = copy_of(document, w.commune_b)
    assert can_view_content(w.clerk_b, copy)

    outgoing_recall(by=w.clerk_a, document=document, reason="Ban hành nhầm.")

    copy = access_document(w.clerk_b, copy.pk)
    assert copy.status == DocumentStatus.CANCELLED
    assert not can_view_content(w.clerk_b, copy)
