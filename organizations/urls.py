from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("choose/", views.unit_choose, name="choose"),
    path("<int:unit_pk>/", views.unit_detail, name="detail"),
    path("<int:unit_pk>/add/", views.unit_add, name="add"),
    path("<int:unit_pk>/edit/", views.unit_edit, name="edit"),
    path("<int:unit_pk>/move/", views.unit_move, name="move"),
    path("<int:unit_pk>/close/", views.unit_close, name="close"),
    path("<int:unit_pk>/history/", views.unit_history, name="history"),
]
