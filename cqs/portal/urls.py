"""URLs of Cổng dịch vụ công, mounted at /dich-vu-cong/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver, path

from cqs.portal.views import accounts, apply, bank, dossiers, public

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.home, name="home"),
    path("thu-tuc/", public.procedures, name="procedures"),
    path("thu-tuc/<str:code>/", public.procedure_start, name="procedure"),
    path("thu-tuc/<str:code>/bat-dau/", apply.apply_start, name="apply"),
    path("tra-cuu/", public.lookup, name="lookup"),
    path("cong-khai-ket-qua/", public.public_results, name="public_results"),
    # Accounts
    path("dang-ky/", accounts.register, name="register"),
    path("dang-nhap/", accounts.CitizenLoginView.as_view(), name="login"),
    path("dang-xuat/", accounts.logout_view, name="logout"),
    path("tai-khoan/", accounts.profile, name="profile"),
    # Applying
    path("nop-ho-so/<int:draft_id>/", apply.draft_tasks, name="draft"),
    path("nop-ho-so/<int:draft_id>/thong-tin/", apply.draft_details, name="details"),
    path("nop-ho-so/<int:draft_id>/giay-to/<int:component_id>/", apply.draft_component, name="component"),
    path("nop-ho-so/<int:draft_id>/tep/<int:component_id>/", apply.draft_file, name="draft_file"),
    path("nop-ho-so/<int:draft_id>/kiem-tra/", apply.draft_check, name="check"),
    path("nop-ho-so/<int:draft_id>/huy/", apply.draft_discard, name="discard"),
    # My dossiers
    path("ho-so-cua-toi/", dossiers.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", dossiers.dossier_detail, name="dossier"),
    path("ho-so-cua-toi/<str:code>/da-nop/", apply.confirmation, name="confirmation"),
    path("ho-so-cua-toi/<str:code>/ket-qua/", dossiers.dossier_result, name="result"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", dossiers.dossier_rate, name="rate"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", dossiers.supplement, name="supplement"),
    path(
        "ho-so-cua-toi/<str:code>/bo-sung/<int:component_id>/",
        dossiers.supplement_component,
        name="supplement_component",
    ),
    path("ho-so-cua-toi/<str:code>/thanh-toan/", dossiers.pay, name="pay"),
    # Payment
    path("thanh-toan/<str:provider>/ket-qua/", bank.payment_return, name="payment_return"),
    path("thanh-toan-mo-phong/", bank.simulated_bank, name="simulated_bank"),
]
