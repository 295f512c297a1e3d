"""URLs of the document screens, mounted at /van-ban/ (Vietnamese paths, English names)."""

from django.urls import path
from django.views.generic import RedirectView

from cqs.documents.views import detail, incoming, outgoing, registers, search, signing, work

app_name = "documents"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="documents:incoming", permanent=False), name="index"),
    # Incoming
    path("den/", incoming.incoming_list, name="incoming"),
    path("den/dang-ky/", incoming.incoming_register_view, name="incoming_register"),
    path("den/vao-so/", incoming.bulk_register, name="incoming_bulk_register"),
    # Outgoing
    path("di/", outgoing.outgoing_list, name="outgoing"),
    path("di/soan-thao/", outgoing.outgoing_draft, name="outgoing_draft"),
    path("di/phat-hanh/", outgoing.bulk_release, name="outgoing_bulk_release"),
    # Digital signatures: bulk signing with its progress
    path("ky-so/", signing.bulk_sign, name="bulk_sign"),
    path("ky-so/<int:job_id>/", signing.bulk_job, name="bulk_job"),
    path("ky-so/<int:job_id>/tiep/", signing.bulk_step, name="bulk_step"),
    # My work and follow-up
    path("viec-cua-toi/", work.my_work, name="my_work"),
    path("viec-cua-toi/da-xem/", work.bulk_acknowledge, name="bulk_acknowledge"),
    path("don-doc/", work.follow_up, name="follow_up"),
    path("don-doc/gui/", work.bulk_chase, name="bulk_chase"),
    # Registers and search
    path("so/", registers.register_page, name="registers"),
    path("so/tai-ve.<str:fmt>", registers.register_download, name="register_download"),
    path("tim-kiem/", search.search, name="search"),
    # One document
    path("<int:document_id>/", detail.document_detail, name="detail"),
    path("<int:document_id>/tep/<int:file_id>/", detail.file_download, name="file_download"),
    path("<int:document_id>/tep/<int:file_id>/xem/", detail.file_preview, name="file_preview"),
    path("<int:document_id>/tai-ve.<str:fmt>", detail.document_export, name="export"),
    path("<int:document_id>/dinh-kem/", detail.attach, name="attach"),
    path("<int:document_id>/vao-so/", incoming.register_arrived, name="register_arrived"),
    path("<int:document_id>/phan-cong/", detail.route, name="route"),
    path("<int:document_id>/tra-lai/", detail.return_document, name="return"),
    path("<int:document_id>/phan-cong/<int:assignment_id>/chuyen/", detail.forward, name="forward"),
    path("<int:document_id>/phan-cong/<int:assignment_id>/tien-do/", detail.progress, name="progress"),
    path("<int:document_id>/phan-cong/<int:assignment_id>/hoan-thanh/", detail.complete, name="complete"),
    path("<int:document_id>/phan-cong/<int:assignment_id>/don-doc/", detail.chase, name="chase"),
    path("<int:document_id>/sua/", outgoing.outgoing_edit, name="outgoing_edit"),
    path("<int:document_id>/trinh/", outgoing.submit, name="submit"),
    path("<int:document_id>/duyet/", outgoing.review, name="review"),
    path("<int:document_id>/ky-duyet/", outgoing.approve, name="approve"),
    path("<int:document_id>/tra-lai-du-thao/", outgoing.send_back, name="send_back"),
    # A digitally signed document is released with the agency's signature; others as usual.
    path("<int:document_id>/phat-hanh/", signing.release, name="release"),
    path("<int:document_id>/chu-ky-so/", signing.signature_panel, name="signatures"),
    path("<int:document_id>/ky-so/", signing.sign, name="sign"),
    path("<int:document_id>/thu-hoi/", outgoing.recall, name="recall"),
    path("<int:document_id>/gop-y/", outgoing.comment, name="comment"),
]
