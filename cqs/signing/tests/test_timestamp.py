"""PAdES B-T: a timestamp from the server in SIGNING_TSA_URL, here a real RFC 3161 server on
127.0.0.1 (pyHanko's test TSA behind http.server)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys, tsp  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.test import override_settings
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from cqs.core.errors import ApplicationError
from cqs.signing import pki
from cqs.signing.backends import to_asn1
from cqs.signing.crypto import private_key_der
from cqs.signing.services import sign_as_leader
from cqs.signing.tests.conftest import pdfsig
from cqs.signing.verify import Verdict, verify_pdf

pytestmark = pytest.mark.django_db


def _tsa_certificate(issuer: pki.IssuedCertificate) -> pki.IssuedCertificate:
    key = pki.generate_key("rsa")  # pyHanko's test TSA signs with RSA only
    now = datetime.now(UTC) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(pki.subject_name("Máy chủ dấu thời gian thử nghiệm"))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    return pki.IssuedCertificate(key=key, certificate=cert)


@pytest.fixture
def tsa_url(test_pki) -> Iterator[str]:
    tsa = _tsa_certificate(test_pki.root)
    stamper = DummyTimeStamper(
        tsa_cert=to_asn1(tsa.certificate),
        tsa_key=keys.PrivateKeyInfo.load(private_key_der(tsa.key)),
        certs_to_embed=SimpleCertificateStore.from_certs([to_asn1(test_pki.root.certificate)]),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_timestamped_signature_is_pades_b_t(world, draft, draft_fields, tsa_url, nss_dir, tmp_path):
    with override_settings(SIGNING_TSA_URL=tsa_url):
        signed = sign_as_leader(
            by=world.leader,
            pdf=draft.content,
            certificate=world.leader_certificate,
            box=draft.signature_box,
            fields=draft_fields,
            reauth_ok=True,
        )
    assert signed.pades_level == "B-T"
    [verdict] = verify_pdf(signed.content)
    assert verdict.verdict == Verdict.VALID
    assert verdict.timestamp_time is not None
    assert verdict.signing_time_source == "dấu thời gian của máy chủ cấp dấu thời gian"
    assert abs((verdict.timestamp_time - signed.signing_time).total_seconds()) < 60
    fields = pdfsig(signed.content, tmp_path, nss_dir=nss_dir)["chu_ky_lanh_dao"]
    assert fields["Signature Validation"] == "Signature is Valid."


def test_unreachable_timestamp_server_refuses_to_sign(world, draft):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        override_settings(SIGNING_TSA_URL=f"http://127.0.0.1:{port}/tsa", SIGNING_TSA_TIMEOUT_SECONDS=2),
        pytest.raises(ApplicationError, match="Không lấy được dấu thời gian"),
    ):
        sign_as_leader(
            by=world.leader, pdf=draft.content, certificate=world.leader_certificate, box=None, reauth_ok=True
        )
