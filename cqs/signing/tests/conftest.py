"""Fixtures of the signing tests: keys made once per session, a small PKI in the database,
poppler's `pdfsig` with an NSS database that trusts the test root."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cqs.org.models import Role
from cqs.org.testing import give_position, make_person
from cqs.rendering.pdf import PdfRendering, render_pdf_with_layout
from cqs.rendering.samples import sample_it_report
from cqs.signing import images, pki
from cqs.signing.crypto import certificate_pem
from cqs.signing.models import Certificate, CertificateKind
from cqs.signing.placement import FieldPlacement, field_placement_for
from cqs.signing.services import add_trust_anchor, save_signature_image, store_certificate

P12_PASSWORD = "Mật-khẩu-p12 2025"


@dataclass(frozen=True)
class PkiMaterial:
    root: pki.IssuedCertificate
    leader: pki.IssuedCertificate
    agency: pki.IssuedCertificate
    expired: pki.IssuedCertificate
    other_root: pki.IssuedCertificate
    stranger: pki.IssuedCertificate
    signature_png: bytes
    seal_png: bytes

    @property
    def root_pem(self) -> str:
        return certificate_pem(self.root.certificate)


@pytest.fixture(scope="session")
def test_pki() -> PkiMaterial:
    """RSA 2048 for the root, leader and agency (as the demo); P-256 where speed is all that matters."""
    root = pki.issue_ca(pki.subject_name("CA thử nghiệm của bộ kiểm thử", organization="Chính quyền số"))
    now = datetime.now(UTC)
    other_root = pki.issue_ca(pki.subject_name("CA tự lập không được tin cậy"), key_type="ec")
    return PkiMaterial(
        root=root,
        leader=pki.issue_signing_certificate(
            pki.subject_name("Nguyễn Văn Ánh", organization="Sở Nội vụ", title="Giám đốc Sở"), issuer=root
        ),
        agency=pki.issue_signing_certificate(pki.subject_name("Sở Nội vụ tỉnh Thử Nghiệm"), issuer=root),
        expired=pki.issue_signing_certificate(
            pki.subject_name("Trần Thị Hết Hạn"),
            issuer=root,
            not_before=now - timedelta(days=400),
            days=30,
            key_type="ec",
        ),
        other_root=other_root,
        stranger=pki.issue_signing_certificate(
            pki.subject_name("Lê Văn Lạ"), issuer=other_root, key_type="ec"
        ),
        signature_png=images.draw_signature("Nguyễn Văn Ánh"),
        seal_png=images.draw_seal("Sở Nội vụ tỉnh Thử Nghiệm"),
    )


@pytest.fixture(scope="session")
def draft() -> PdfRendering:
    """The sample report as the leader signs it: no number, no day and month yet."""
    return render_pdf_with_layout(sample_it_report(number=None, issued_on=None))


@pytest.fixture(scope="session")
def draft_fields() -> FieldPlacement:
    return field_placement_for(sample_it_report(number=None, issued_on=None))


@dataclass
class SigningWorld:
    cast: Any
    leader: Any
    clerk: Any
    agency: Any
    leader_certificate: Certificate
    agency_certificate: Certificate


@pytest.fixture
def world(cast: Any, test_pki: PkiMaterial) -> SigningWorld:
    """The cast's department with its leader and a Văn thư, their certificates and images,
    and the test root in the trust store."""
    agency = cast.department
    clerk = make_person("vanthu_snv", "Phạm Thị Văn Thư")
    give_position(clerk, agency, Role.CLERK, title="Văn thư")
    add_trust_anchor(by=None, pem=test_pki.root_pem, name="CA thử nghiệm của bộ kiểm thử")
    leader_certificate = store_certificate(
        by=None,
        owner=cast.department_leader,
        kind=CertificateKind.PERSONAL,
        key=test_pki.leader.key,
        certificate=test_pki.leader.certificate,
        chain=[test_pki.root.certificate],
    )
    agency_certificate = store_certificate(
        by=None,
        owner=agency,
        kind=CertificateKind.AGENCY,
        key=test_pki.agency.key,
        certificate=test_pki.agency.certificate,
        chain=[test_pki.root.certificate],
    )
    save_signature_image(by=None, owner=cast.department_leader, png=test_pki.signature_png)
    save_signature_image(by=None, owner=agency, png=test_pki.seal_png)
    return SigningWorld(
        cast=cast,
        leader=cast.department_leader,
        clerk=clerk,
        agency=agency,
        leader_certificate=leader_certificate,
        agency_certificate=agency_certificate,
    )


# ----------------------------------------------------------------------------- poppler


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (scripts/system-deps.sh)")
    return path


@pytest.fixture(scope="session")
def nss_dir(tmp_path_factory: pytest.TempPathFactory, test_pki: PkiMaterial) -> str | None:
    """An NSS database trusting the test root, for `pdfsig -nssdir` (None without certutil)."""
    certutil = shutil.which("certutil")
    if certutil is None:
        return None
    directory = tmp_path_factory.mktemp("nssdb")
    root = directory / "root.pem"
    root.write_text(test_pki.root_pem, encoding="ascii")
    subprocess.run(
        [certutil, "-N", "-d", f"sql:{directory}", "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{directory}", "-n", "cqs-test-root", "-t", "C,C,C", "-i", str(root)],
        check=True,
        capture_output=True,
    )
    return f"sql:{directory}"


_SIGNATURE_HEADER = re.compile(r"^Signature #\d+:")
_ENTRY = re.compile(r"^\s+- ([^:]+?)(?:: (.*))?$")


def pdfsig(pdf: bytes, tmp_path: Path, *, nss_dir: str | None) -> dict[str, dict[str, str]]:
    """poppler's verdict per signature field, read from its text (its exit code says nothing)."""
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    command = [_require("pdfsig")]
    if nss_dir is not None:
        command += ["-nssdir", nss_dir]
    output = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False).stdout
    signatures: list[dict[str, str]] = []
    for line in output.splitlines():
        if _SIGNATURE_HEADER.match(line):
            signatures.append({})
            continue
        match = _ENTRY.match(line)
        if match and signatures:
            signatures[-1][match.group(1)] = match.group(2) if match.group(2) is not None else ""
    return {s.get("Signature Field Name", str(i)): s for i, s in enumerate(signatures)}


def pdftext(
    pdf: bytes, tmp_path: Path, *, page: int | None = None, bbox: bool = False, raw: bool = False
) -> str:
    """poppler's text of the PDF (widget appearances included; `raw`: in content-stream order)."""
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    command = [_require("pdftotext")]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    if bbox:
        command.append("-bbox")
    if raw:
        command.append("-raw")
    return subprocess.run([*command, str(path), "-"], capture_output=True, text=True, check=True).stdout
