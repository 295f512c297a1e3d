"""A small reporting world on top of the fixed cast, for report-life tests.

Sở Nội vụ (the cast's department) requests the regimes; each commune, the department and the
old commune get a reporting officer; commune A a leader; documents are crafted with
`core_helpers` (report-core's helpers) so the figures are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cqs.org.models import Role
from cqs.org.testing import Cast, give_position, make_person
from cqs.reporting.models import Campaign, Regime, Report
from cqs.reporting.regimes import DT_REGIME, IT_REGIME, sync_regimes
from cqs.reporting.services.campaigns import campaign_launch


@dataclass
class World:
    cast: Cast
    it: Regime
    dt: Regime
    requester: Any  # reporting officer of the requesting agency (Sở Nội vụ)
    officer_a: Any  # reporting officer of commune A
    officer_b: Any
    leader_a: Any
    outsider: Any  # reporting officer of the provincial office: sees nothing of the communes

    def launch(self, period: str, regime: Regime | None = None) -> Campaign:
        return campaign_launch(by=self.requester, regime=regime or self.dt, period=period)

    def report(self, campaign: Campaign, agency: Any) -> Report:
        return Report.objects.get(campaign=campaign, agency=agency)


def build_world(cast: Cast) -> World:
    sync_regimes(cast.department)
    requester = make_person("baocao_snv", "Đinh Thị Tổng Hợp")
    give_position(requester, cast.department, Role.REPORTING_OFFICER, title="Chuyên viên")
    officer_a = make_person("baocao_a", "Nguyễn Văn Báo")
    give_position(officer_a, cast.commune_a, Role.REPORTING_OFFICER, title="Chuyên viên tổng hợp")
    officer_b = make_person("baocao_b", "Lê Thị Cáo")
    give_position(officer_b, cast.commune_b, Role.REPORTING_OFFICER, title="Chuyên viên tổng hợp")
    leader_a = make_person("lanhdao_a", "Trần Văn Chủ")
    give_position(leader_a, cast.commune_a, Role.LEADER, title="Chủ tịch Ủy ban nhân dân xã")
    return World(
        cast=cast,
        it=Regime.objects.get(code=IT_REGIME),
        dt=Regime.objects.get(code=DT_REGIME),
        requester=requester,
        officer_a=officer_a,
        officer_b=officer_b,
        leader_a=leader_a,
        outsider=cast.office_reporter,
    )
