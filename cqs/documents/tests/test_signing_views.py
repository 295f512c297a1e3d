"""The ký số screens: the signature panel, "Ký số" with the password confirmation, "Phát hành"
with the agency's signature, the 404 gates, and bulk signing with its progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cqs.documents.models import DocumentFile, DocumentStatus
from cqs.documents.services.signing import document_sign, leader_revision
from cqs.documents.tests.test_services_common import World, approved, copy_of
from cqs.documents.tests.test_signing_services import sign_and_release, signing_world
from cqs.org.testing import CAST_PASSWORD
from cqs.signing.models import BulkSigningJob
from cqs.signing.testing import SigningMaterial, make_material

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def material() -> SigningMaterial:
    return make_material()


@pytest.fixture
def signers(cast: Any, material: SigningMaterial) -> World:
    return signing_world(cast, material)


HTMX = {"HTTP_HX_REQUEST": "true"}


def panel(client: Any, document: Any) -> str:
    response = client.get(reverse("documents:signatures", args=[document.pk]), **HTMX)
    assert response.status_code == 200
    return str(response.content.decode())


def test_detail_page_loads_the_panel_and_the_signer_sees_ky_so_with_a_password(client, signers):
    w = signers
    document = approved(w)
    client.force_login(w.leader_a)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert reverse("documents:signatures", args=[document.pk]) in page and "css/signing.css" in page
    html = panel(client, document)
    assert "Ký số</button>" in html and 'name="mat_khau"' in html
    assert "bản trình bày theo Nghị định 30/2020/NĐ-CP" in html
    client.force_login(w.head_a)
    assert "Ký số</button>" not in panel(client, document)


def test_sign_asks_for_the_password_then_signs(client, signers):
    w = signers
    document = approved(w)
    client.force_login(w.leader_a)
    url = reverse("documents:sign", args=[document.pk])
    asked = client.post(url)
    assert asked.status_code == 200 and "Xác nhận ký số văn bản" in asked.content.decode()
    assert leader_revision(document) is None
    wrong = client.post(url, {"mat_khau": "sai-mat-khau"})
    assert wrong.status_code == 400 and "Mật khẩu xác nhận không đúng." in wrong.content.decode()
    assert leader_revision(document) is None
    done = client.post(url, {"mat_khau": CAST_PASSWORD})
    assert done.status_code == 302 and done["Location"].endswith("#chu-ky-so")
    assert leader_revision(document) is not None
    html = panel(client, document)
    assert "Đã có chữ ký số của người có thẩm quyền." in html and "Hợp lệ" in html


def test_password_confirmation_lasts_five_minutes(client, signers):
    w = signers
    first, second = approved(w), approved(w, subject="Về việc tổng kết năm")
    client.force_login(w.leader_a)
    client.post(reverse("documents:sign", args=[first.pk]), {"mat_khau": CAST_PASSWORD})
    assert 'name="mat_khau"' not in panel(client, second)
    response = client.post(reverse("documents:sign", args=[second.pk]))
    assert response.status_code == 302 and leader_revision(second) is not None


@pytest.mark.parametrize("who", ["head_a", "clerk_a", "clerk_b", "leader_b"])
def test_only_the_named_signer_reaches_sign(client, signers, who):
    w = signers
    document = approved(w)
    client.force_login(getattr(w, who))
    response = client.post(reverse("documents:sign", args=[document.pk]), {"mat_khau": CAST_PASSWORD})
    assert response.status_code == 404
    assert not document.files.exists()


def test_clerk_releases_with_the_agency_signature(client, signers):
    w = signers
    document = approved(w)
    document_sign(by=w.leader_a, document=document, reauth_ok=True)
    client.force_login(w.clerk_a)
    html = panel(client, document)
    assert "Phát hành và ký số cơ quan" in html
    url = reverse("documents:release", args=[document.pk])
    asked = client.post(url, {"phat-hanh-released_on": ""})
    assert asked.status_code == 200 and "Xác nhận phát hành và ký số của cơ quan" in asked.content.decode()
    done = client.post(url, {"phat-hanh-released_on": "", "mat_khau": CAST_PASSWORD})
    assert done.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.RELEASED and document.is_digitally_signed
    # The receiving agency sees two valid signatures on its copy.
    copy = copy_of(document, w.commune_b)
    client.force_login(w.clerk_b)
    html = panel(client, copy)
    assert html.count('<span class="verdict verdict-valid">Hợp lệ</span>') == 3  # the file and 2 signatures
    assert "2 chữ ký số, tất cả hợp lệ." in html
    assert w.leader_a.get_full_name() in html and w.commune_a.name in html


@pytest.mark.parametrize("who", ["leader_a", "clerk_b"])
def test_only_the_agencys_clerk_reaches_release(client, signers, who):
    w = signers
    document = approved(w)
    document_sign(by=w.leader_a, document=document, reauth_ok=True)
    client.force_login(getattr(w, who))
    response = client.post(
        reverse("documents:release", args=[document.pk]),
        {"phat-hanh-released_on": "", "mat_khau": CAST_PASSWORD},
    )
    assert response.status_code == 404
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED


def test_an_unsigned_document_is_released_the_usual_way(client, signers):
    w = signers
    document = approved(w)
    client.force_login(w.clerk_a)
    response = client.post(reverse("documents:release", args=[document.pk]), {"phat-hanh-released_on": ""})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.RELEASED and not document.is_digitally_signed


def test_outsiders_do_not_see_the_panel(client, signers):
    w = signers
    document, _ = sign_and_release(w)
    client.force_login(w.officer_b)
    assert client.get(reverse("documents:signatures", args=[document.pk])).status_code == 404


def test_bulk_signing_screen_signs_with_progress(client, signers):
    w = signers
    documents = [approved(w, subject=f"Về việc báo cáo tháng {m}") for m in (3, 4, 5)]
    client.force_login(w.leader_a)
    page = client.get(reverse("documents:bulk_sign"))
    html = page.content.decode()
    assert page.status_code == 200 and all(d.subject in html for d in documents)
    assert 'name="mat_khau"' in html
    refused = client.post(reverse("documents:bulk_sign"), {"chon": [d.pk for d in documents]})
    assert refused.status_code == 400 and "Cần nhập mật khẩu" in refused.content.decode()
    started = client.post(
        reverse("documents:bulk_sign"), {"chon": [d.pk for d in documents[:2]], "mat_khau": CAST_PASSWORD}
    )
    assert started.status_code == 302
    job = BulkSigningJob.objects.get()
    assert [item["document"] for item in job.items] == [d.pk for d in documents[:2]]
    progress = client.get(started["Location"]).content.decode()
    assert "Đã xử lý 0/2 văn bản (0 %)" in progress and 'hx-trigger="load delay:200ms, submit"' in progress
    for _ in range(3):
        step = client.post(reverse("documents:bulk_step", args=[job.pk]), **HTMX).content.decode()
        if "Đã xong." in step:
            break
    assert "Đã xử lý 2/2 văn bản (100 %)" in step and "2 thành công" in step
    assert all(leader_revision(d) is not None for d in documents[:2])
    assert leader_revision(documents[2]) is None
    # Someone else's job is not found.
    client.force_login(w.clerk_a)
    assert client.get(reverse("documents:bulk_job", args=[job.pk])).status_code == 404
    assert DocumentFile.objects.filter(document=documents[2]).count() == 0
