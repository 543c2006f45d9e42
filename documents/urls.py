from django.urls import path

from documents import attachments, views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_register, name="register"),
    path("ask/", views.registration_ask, name="ask"),
    path("symbol/", views.symbol_preview, name="symbol-preview"),
    path("<int:document_pk>/", views.document_detail, name="detail"),
    path("<int:document_pk>/edit/", views.document_edit, name="edit"),
    path("<int:document_pk>/history/", views.document_history, name="history"),
    path("<int:document_pk>/links/", views.link_add, name="link-add"),
    path("links/<int:link_pk>/delete/", views.link_delete, name="link-delete"),
    path("<int:document_pk>/obligations/", views.obligation_list, name="obligations"),
    path("obligations/<int:obligation_pk>/drafted/", views.obligation_drafted, name="drafted"),
    path("<int:document_pk>/attachments/", attachments.attachment_upload, name="attach"),
    path("attachments/<int:attachment_pk>/", attachments.attachment_download, name="download"),
    path(
        "<int:document_pk>/attachments/states/",
        attachments.attachment_states,
        name="attachment-states",
    ),
]
