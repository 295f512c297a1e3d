"""URLs of Hệ thống thông tin báo cáo, mounted at /bao-cao/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver, path

from cqs.reporting.views import campaigns, dashboard, outline, reports

app_name = "reporting"

# --- report-life: regimes, campaigns, reports, consolidation, dashboard -----------------------
life_urls: list[URLPattern | URLResolver] = [
    path("", campaigns.index, name="index"),
    path("phat-dong/", campaigns.launch, name="launch"),
    path("dot/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("dot/<int:pk>/ket-thuc/", campaigns.campaign_close_view, name="campaign_close"),
    path("dot/<int:pk>/tong-hop/", campaigns.consolidation_view, name="consolidation_root"),
    path("dot/<int:pk>/tong-hop/<int:agency_pk>/", campaigns.consolidation_view, name="consolidation"),
    path(
        "dot/<int:pk>/tong-hop/<int:agency_pk>/tai-ve.<str:fmt>",
        campaigns.consolidation_file,
        name="consolidation_file",
    ),
    path("bao-cao/<int:pk>/", reports.report_detail, name="report"),
    path("bao-cao/<int:pk>/cap-nhat-so-lieu/", reports.report_refresh_view, name="report_refresh"),
    path("bao-cao/<int:pk>/luu/", reports.report_save, name="report_save"),
    path("bao-cao/<int:pk>/ky-so/", reports.report_sign_view, name="report_sign"),
    path("bao-cao/<int:pk>/gui/", reports.report_submit_view, name="report_submit"),
    path("bao-cao/<int:pk>/tiep-nhan/", reports.report_accept_view, name="report_accept"),
    path("bao-cao/<int:pk>/tra-lai/", reports.report_return_view, name="report_return"),
    path("bao-cao/<int:pk>/tai-ve.<str:fmt>", reports.report_file, name="report_file"),
    path("che-do/<int:pk>/de-cuong/", outline.outline_view, name="outline"),
    path("che-do/<int:pk>/de-cuong/them/", outline.section_add, name="section_add"),
    path("che-do/<int:pk>/de-cuong/<int:section_pk>/", outline.section_edit, name="section_edit"),
    path("che-do/<int:pk>/de-cuong/<int:section_pk>/thu-tu/", outline.section_move, name="section_move"),
    path("che-do/<int:pk>/de-cuong/<int:section_pk>/xoa/", outline.section_delete, name="section_delete"),
    path("bang-dieu-khien/", dashboard.dashboard, name="dashboard"),
]
# --- end report-life ------------------------------------------------------------------------

# --- report-core: manual values -------------------------------------------------------------
from cqs.reporting.views import manual  # noqa: E402

core_urls: list[URLPattern | URLResolver] = [
    path("so-lieu-nhap-tay/", manual.manual_values, name="manual_values"),
    path("so-lieu-nhap-tay/luu/", manual.manual_value_save, name="manual_value_save"),
]
# --- end report-core ------------------------------------------------------------------------

urlpatterns: list[URLPattern | URLResolver] = [*life_urls, *core_urls]
