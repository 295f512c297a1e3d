"""make_demo_pki, the number/date field boxes, the drawn images, the admin's trust store."""

from __future__ import annotations

import json
import re
from io import BytesIO
from io import StringIO as TextBuffer

import pytest
from cryptography import x509
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from cqs.audit.models import AuditEvent
from cqs.rendering.pdf import render_pdf_with_layout
from cqs.rendering.samples import sample_it_report, sample_official_letter
from cqs.signing import images
from cqs.signing.demo import DEMO_ROOT_NAME
from cqs.signing.models import Certificate, CertificateKind, SignatureImage, TrustAnchor
from cqs.signing.placement import field_placement_for
from cqs.signing.services import sign_as_leader
from cqs.signing.tests.conftest import pdftext
from cqs.signing.verify import Verdict, verify_pdf


@pytest.mark.django_db
def test_make_demo_pki_is_idempotent_and_signs(cast, draft):
    out = TextBuffer()
    call_command("make_demo_pki", "--json", "--key-type", "ec", stdout=out)
    report = json.loads(out.getvalue())
    assert report["root"]["name"] == DEMO_ROOT_NAME and report["root"]["created"]
    assert report["root"]["trust_anchor_created"]
    assert [p["username"] for p in report["personal"]] == [cast.department_leader.username]
    current_agencies = {"province", "office", "department", "commune_a", "commune_b"}
    assert {a["code"] for a in report["agency"]} == {getattr(cast, k).code for k in current_agencies}
    assert report["certificates_created"] == 6 and report["images_created"] == 6
    root = Certificate.objects.get(kind=CertificateKind.AUTHORITY)
    assert root.common_name == DEMO_ROOT_NAME
    assert TrustAnchor.objects.get().fingerprint_sha256 == root.fingerprint_sha256
    personal = Certificate.objects.get(kind=CertificateKind.PERSONAL)
    assert personal.owner_user == cast.department_leader and personal.key_description == "ECDSA secp256r1"
    usage = personal.x509_cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature  # nonRepudiation + digitalSignature
    assert SignatureImage.objects.filter(is_active=True).count() == 6
    assert AuditEvent.objects.filter(action="signing.demo_pki").count() == 1

    again = TextBuffer()
    call_command("make_demo_pki", "--json", stdout=again)
    second = json.loads(again.getvalue())
    assert (
        not second["root"]["created"]
        and second["certificates_created"] == 0
        and second["images_created"] == 0
    )
    assert Certificate.objects.count() == 7
    assert AuditEvent.objects.filter(action="signing.demo_pki").count() == 1

    # The demo signs out of the box.
    signed = sign_as_leader(
        by=cast.department_leader,
        pdf=draft.content,
        certificate=personal,
        box=draft.signature_box,
        reauth_ok=True,
    )
    assert [v.verdict for v in verify_pdf(signed.content)] == [Verdict.VALID]


@pytest.mark.parametrize("make", [sample_it_report, sample_official_letter])
def test_field_boxes_cover_the_number_and_date_lines(make, tmp_path):
    doc = make(number=None, issued_on=None) if make is sample_it_report else make()
    rendering = render_pdf_with_layout(doc)
    placement = field_placement_for(doc)
    page_height = 841.8898
    words = [
        w
        for w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            pdftext(rendering.content, tmp_path, page=1, bbox=True),
        )
        if float(w[1]) < 125  # the two header rows
    ]

    def inside(box, word):
        x0, top, x1, bottom = (float(v) for v in word[:4])
        return (
            box.x0 <= x0 and x1 <= box.x1 and box.y0 <= page_height - bottom and page_height - top <= box.y1
        )

    [number_top] = [w[1] for w in words if w[4] == "Số:"]
    date_tops = {w[1] for w in words if w[4] == "ngày"}
    assert len(date_tops) == 1
    number_line = [w for w in words if w[1] == number_top and float(w[0]) < placement.number.box.x1]
    date_line = [w for w in words if w[1] in date_tops]
    assert {"Số:"} <= {w[4] for w in number_line}
    assert {"ngày", "tháng", "năm"} <= {w[4] for w in date_line}
    assert all(inside(placement.number.box, w) for w in number_line)
    assert all(inside(placement.date.box, w) for w in date_line)
    # Nothing else of the header is under the fields (their white background would hide it).
    for box in (placement.number.box, placement.date.box):
        assert not [w for w in words if w not in number_line and w not in date_line and inside(box, w)]


def test_drawn_signature_is_blue_and_seal_red_on_transparency(test_pki):
    for png, dominant in ((test_pki.signature_png, "blue"), (test_pki.seal_png, "red")):
        info = images.inspect_png(png)
        image = Image.open(BytesIO(png)).convert("RGBA")
        pixels: list[tuple[int, int, int, int]] = list(image.get_flattened_data())  # type: ignore[arg-type]
        assert pixels[0][3] == 0  # transparent corner
        inked = [p for p in pixels if p[3] > 200]
        assert len(inked) > 1000
        red = sum(p[0] for p in inked) / len(inked)
        blue = sum(p[2] for p in inked) / len(inked)
        assert (blue > 2 * red) if dominant == "blue" else (red > 2 * blue)
        assert info.width > 100
    # The same name always gives the same signature.
    assert images.draw_signature("Nguyễn Văn Ánh") == test_pki.signature_png


@pytest.mark.django_db
def test_admin_adds_a_trust_anchor(client, cast, test_pki):
    admin = cast.province_admin
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        reverse("admin:signing_trustanchor_add"),
        {"name": "", "certificate_pem": test_pki.root_pem, "is_active": "on", "note": "CA của bộ kiểm thử"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    anchor = TrustAnchor.objects.get()
    assert anchor.name == "CA thử nghiệm của bộ kiểm thử" and anchor.created_by == admin
    assert AuditEvent.objects.filter(action="signing.trust_anchor_add", actor_id=admin.pk).exists()
    assert client.get(reverse("admin:signing_certificate_changelist")).status_code == 200
    assert client.get(reverse("admin:signing_signatureimage_changelist")).status_code == 200


@pytest.mark.django_db
def test_verify_signatures_command_and_deploy_check(world, draft, tmp_path, settings):
    from cqs.signing.checks import check_key_encryption_key
    from cqs.signing.services import sign_as_leader as sign

    signed = sign(
        by=world.leader, pdf=draft.content, certificate=world.leader_certificate, box=None, reauth_ok=True
    )
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed.content)
    out = TextBuffer()
    call_command("verify_signatures", str(path), "--json", stdout=out)
    [verdict] = json.loads(out.getvalue())
    assert verdict["verdict"] == "hop_le" and verdict["label"] == "HỢP LỆ"
    assert verdict["signer_name"] == "Nguyễn Văn Ánh"
    assert verdict["signing_time"].endswith("+07:00")
    text = TextBuffer()
    call_command("verify_signatures", str(path), stdout=text)
    assert text.getvalue().startswith("[chu_ky_lanh_dao] HỢP LỆ — Nguyễn Văn Ánh lúc ")

    settings.DEBUG = False
    [warning] = check_key_encryption_key()
    assert warning.id == "cqs.signing.W001"
    settings.SIGNING_KEY_ENCRYPTION_KEY = "một khóa riêng đủ dài cho môi trường sản xuất"
    assert check_key_encryption_key() == []
