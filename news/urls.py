from django.urls import path

from news import views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("draft/<int:conference_pk>/", views.article_draft, name="draft"),
    path("<int:article_pk>/edit/", views.article_edit, name="edit"),
    path("<int:article_pk>/photos/", views.photo_add, name="photo-add"),
    path("<int:article_pk>/publish/", views.article_publish, name="publish"),
    path("<int:article_pk>/feature/", views.feature, name="feature"),
    path("<int:article_pk>/promote/", views.promote, name="promote"),
    path("stats/", views.stats, name="stats"),
    path("site/<int:unit_pk>/", views.site_edit, name="site-edit"),
    path("read/", views.reading_new, name="read"),
    path("read/<int:reading_pk>/", views.reading_detail, name="reading"),
    # Public pages: no login.
    path("unit/<int:unit_pk>/", views.unit_news, name="unit"),
    path("<int:article_pk>/", views.article_public, name="article"),
    path("photos/<int:photo_pk>/", views.photo, name="photo"),
]
