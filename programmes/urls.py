from django.urls import path

from programmes import views

app_name = "programmes"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/letter.docx", views.urging_letter, name="letter"),
    path("dashboard/letter.pdf", views.urging_letter, {"fmt": "pdf"}, name="letter-pdf"),
    path("document/<int:document_pk>/new/", views.programme_create, name="create"),
    path("<int:programme_pk>/", views.programme_detail, name="detail"),
    path("<int:programme_pk>/appendix/", views.appendix_import, name="appendix"),
    path("tasks/<int:task_pk>/", views.task_detail, name="task"),
    path("targets/<int:target_pk>/actual/", views.actual_set, name="actual"),
    path("units/<int:unit_pk>/progress.xlsx", views.progress_sheet, name="progress-sheet"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:inspection_pk>/", views.inspection_detail, name="inspection"),
    path(
        "inspections/<int:inspection_pk>/plan.docx",
        views.inspection_plan_docx,
        name="inspection-plan",
    ),
]
