"""The platform's JSON API (django-ninja): one router per module, OpenAPI at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from cqs.onestop.api import router as onestop_router
from cqs.reporting.api import router as reporting_router
from cqs.worklist.api import router as worklist_router

api = NinjaAPI(
    title="Chính quyền số API",
    version="1",
    description="API của nền tảng Chính quyền số (dữ liệu báo cáo, nhiệm vụ, hồ sơ một cửa).",
    urls_namespace="api",
)
api.add_router("/mot-cua/", onestop_router)
api.add_router("/nhiem-vu/", worklist_router)
api.add_router("/bao-cao/", reporting_router)
