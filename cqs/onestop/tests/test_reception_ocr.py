"""Reception with real scans: Tesseract's Vietnamese OCR makes a searchable PDF, the scan is
checked against the digitisation standard, and a digitised component is reused later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.documents.tests.fixtures import SCAN_LINES, recall, require_tesseract, scanned_pdf, scanned_png
from cqs.onestop import services as s
from cqs.onestop.models import DossierComponent
from cqs.rendering.tests import poppler

APPLICANT = s.ApplicantData(name="Trần Thị Hoa", id_number="051190001234")


@pytest.fixture(autouse=True)
def _tesseract(time_machine: Any) -> None:
    require_tesseract()
    time_machine.move_to(datetime(2025, 10, 6, 9, 0, tzinfo=VN_TZ), tick=False)


def _receive(world: Any, files: dict[int, Any], **kwargs: Any) -> Any:
    return s.receive_at_counter(
        actor=world.officer_a,
        version=world.version,
        agency=world.cast.commune_a,
        applicant=kwargs.pop("applicant", APPLICANT),
        checked=[c.pk for c in world.version.components.filter(is_required=True)],
        files=files,
        **kwargs,
    )


def test_a_colour_300_dpi_scan_becomes_a_searchable_digitised_pdf(world: Any, tmp_path: Any) -> None:
    form, birth = world.version.components.filter(is_required=True).order_by("order")
    dossier = _receive(world, {birth.pk: SimpleUploadedFile("giay-chung-sinh.pdf", scanned_pdf(dpi=300))})
    row = dossier.components.get(component=birth)
    assert row.digitised and row.is_paper and row.file.name.endswith(".pdf")
    assert recall(SCAN_LINES, row.text) > 0.8
    assert "300 dpi, màu" in row.quality_note
    path = tmp_path / "c.pdf"
    path.write_bytes(row.file.read())
    assert recall(SCAN_LINES, poppler.text(path)) > 0.8  # the stored PDF has a text layer
    assert not dossier.components.get(component=form).digitised  # ticked off on paper, not scanned


def test_a_grey_low_resolution_scan_is_kept_but_not_counted_as_digitised(world: Any) -> None:
    birth = world.version.components.get(order=2)
    dossier = _receive(world, {birth.pk: SimpleUploadedFile("mo.pdf", scanned_pdf(dpi=150, mode="L"))})
    row = dossier.components.get(component=birth)
    assert not row.digitised
    assert "150 dpi" in row.quality_note and "đen trắng" in row.quality_note


def test_a_phone_photo_png_is_wrapped_and_recognised(world: Any) -> None:
    birth = world.version.components.get(order=2)
    dossier = _receive(world, {birth.pk: SimpleUploadedFile("anh.png", scanned_png(dpi=300))})
    assert dossier.components.get(component=birth).digitised


def test_a_component_digitised_before_is_reused_not_asked_again(world: Any) -> None:
    birth = world.version.components.get(order=2)
    first = _receive(world, {birth.pk: SimpleUploadedFile("gcs.pdf", scanned_pdf(dpi=300))})
    source = first.components.get(component=birth)
    found = s.reusable_components(APPLICANT.id_number, [birth.name])
    assert list(found.values()) == [source]
    second = _receive(world, {}, reuse=[birth.pk])
    reused = second.components.get(component=birth)
    assert reused.reused_from == source and reused.digitised and reused.file.name == source.file.name
    assert DossierComponent.objects.filter(reused_from__isnull=False).count() == 1
    other = s.ApplicantData(name="Lê Văn Nam", id_number="051190009999")
    with pytest.raises(ApplicationError, match="tái sử dụng"):
        _receive(world, {}, reuse=[birth.pk], applicant=other)
