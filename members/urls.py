from django.urls import path

from members import imports, views

app_name = "members"
urlpatterns = [
    path("me/", views.member_me, name="me"),
    path("unit/<int:unit_pk>/", views.member_list, name="list"),
    path("unit/<int:unit_pk>/new/", views.member_add, name="add"),
    path("unit/<int:unit_pk>/import/", imports.import_upload, name="import"),
    # One literal route per format rather than "template.<str:fmt>": the template holds no
    # unit's data, and accounts/tests/test_every_url_is_scoped.py treats any URL keyword
    # as an object to scope. Both reverse as {% url "members:import-template" fmt="xlsx" %}.
    path(
        "import/template.xlsx", imports.template_download, {"fmt": "xlsx"}, name="import-template"
    ),
    path("import/template.csv", imports.template_download, {"fmt": "csv"}, name="import-template"),
    path("import/<int:import_pk>/", imports.import_status, name="import-status"),
    path("import/<int:import_pk>/apply/", imports.import_apply, name="import-apply"),
    path("<int:member_pk>/", views.member_detail, name="detail"),
    path("<int:member_pk>/edit/", views.member_edit, name="edit"),
    path("<int:member_pk>/transfer/", views.member_transfer, name="transfer"),
    path("<int:member_pk>/leave/", views.member_leave, name="leave"),
    path("<int:member_pk>/history/", views.member_history, name="history"),
]
