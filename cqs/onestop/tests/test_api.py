"""The one-stop JSON API (/api/mot-cua/): the screens' gates, the list's filters and cursor,
a dossier with its steps, and the public status look-up without personal data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cqs.onestop.models import Channel, DossierStatus, DossierStep
from cqs.onestop.testing import make_dossier, make_procedure, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast: Any) -> dict[str, Any]:
    version = make_procedure()
    staff = make_staff(cast.commune_a, prefix="a")
    other = make_staff(cast.commune_b, prefix="b")
    mine = [
        make_dossier(
            version=version, agency=cast.commune_a, received=date(2025, 9, day), due=date(2025, 9, day + 3)
        )
        for day in (1, 2, 3)
    ]
    online = make_dossier(
        version=version,
        agency=cast.commune_a,
        received=date(2025, 9, 4),
        due=date(2025, 9, 9),
        channel=Channel.ONLINE,
        applicant_name="Trần Thị Bình",
    )
    DossierStep.objects.create(dossier=online, order=1, name="Thẩm định, xử lý", allotted_days=2)
    theirs = make_dossier(
        version=version, agency=cast.commune_b, received=date(2025, 9, 1), due=date(2025, 9, 4)
    )
    return {
        "officer": staff["officer"],
        "other": other["officer"],
        "mine": mine,
        "online": online,
        "theirs": theirs,
    }


def test_list_is_the_agencys_dossiers_newest_first_with_filters_and_cursor(
    client: Any, setup: dict[str, Any]
) -> None:
    client.force_login(setup["officer"])
    body = client.get("/api/mot-cua/ho-so").json()
    codes = [item["code"] for item in body["items"]]
    assert codes == [setup["online"].code, *[d.code for d in reversed(setup["mine"])]]
    assert setup["theirs"].code not in codes and body["has_more"] is False
    first = body["items"][0]
    assert (first["channel"], first["channel_label"]) == (Channel.ONLINE, Channel.ONLINE.label)
    assert first["status_label"] and first["procedure"] == "Thủ tục đăng ký khai sinh"

    online = client.get("/api/mot-cua/ho-so", {"kenh": Channel.ONLINE}).json()["items"]
    assert [item["code"] for item in online] == [setup["online"].code]
    assert client.get("/api/mot-cua/ho-so", {"trang_thai": DossierStatus.APPROVED}).json()["items"] == []
    assert len(client.get("/api/mot-cua/ho-so", {"kenh": "khong-co"}).json()["items"]) == 4  # ignored

    by_code = client.get("/api/mot-cua/ho-so", {"q": setup["mine"][0].code}).json()["items"]
    assert [item["code"] for item in by_code] == [setup["mine"][0].code]
    # Another agency's id is not the user's: the list stays on their own agency.
    asked = client.get("/api/mot-cua/ho-so", {"co_quan": setup["theirs"].agency_id}).json()
    assert setup["theirs"].code not in [item["code"] for item in asked["items"]]


def test_pages_continue_after_the_cursor(client: Any, setup: dict[str, Any], monkeypatch: Any) -> None:
    from cqs.onestop import selectors

    monkeypatch.setattr(selectors.dossier_page, "__kwdefaults__", {"after": "", "size": 2})  # pages of 2
    client.force_login(setup["officer"])
    first = client.get("/api/mot-cua/ho-so").json()
    assert len(first["items"]) == 2 and first["has_more"] and first["next"]
    second = client.get("/api/mot-cua/ho-so", {"sau": first["next"]}).json()
    seen = [item["code"] for item in first["items"] + second["items"]]
    assert len(seen) == len(set(seen)) == 4 and not second["has_more"]


def test_detail_has_the_steps_and_the_gate_answers_404(client: Any, setup: dict[str, Any]) -> None:
    client.force_login(setup["officer"])
    online = setup["online"]
    body = client.get(f"/api/mot-cua/ho-so/{online.pk}").json()
    assert (
        body["applicant_name"] == "Trần Thị Bình"
        and body["applicant_id_number"] == online.applicant_id_number
    )
    assert [step["name"] for step in body["steps"]] == ["Thẩm định, xử lý"]
    assert client.get(f"/api/mot-cua/ho-so/{setup['theirs'].pk}").status_code == 404
    assert client.get("/api/mot-cua/ho-so/999999").status_code == 404


def test_only_one_stop_staff_signed_in(client: Any, cast: Any, setup: dict[str, Any]) -> None:
    assert client.get("/api/mot-cua/ho-so").status_code == 401
    client.force_login(cast.clerk_a)  # a document clerk, not one-stop staff
    assert client.get("/api/mot-cua/ho-so").status_code == 404
    assert client.get(f"/api/mot-cua/ho-so/{setup['online'].pk}").status_code == 404


def test_status_lookup_is_public_and_without_personal_data(client: Any, setup: dict[str, Any]) -> None:
    online = setup["online"]
    response = client.get(f"/api/mot-cua/tra-cuu/{online.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == online.code and body["due_date"] == "2025-09-09"
    assert (
        "Trần" not in response.content.decode()
        and online.applicant_id_number not in response.content.decode()
    )
    missing = client.get("/api/mot-cua/tra-cuu/KHONG-CO")
    assert missing.status_code == 404 and "Không tìm thấy hồ sơ" in missing.json()["detail"]
