"""Directory pages."""

from django.urls import path

from . import picture_views, views

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("people/<int:pk>/export/", views.person_export, name="person_export"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
    path("people/<int:pk>/photo/", picture_views.person_photo, name="person_photo"),
    path("people/<int:pk>/public/", picture_views.person_publicity, name="person_publicity"),
    path(
        "pictures/<str:folder>/<int:pk>/<str:name>",
        picture_views.picture_file,
        name="picture_file",
    ),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("<slug:slug>/logo/", picture_views.organisation_logo, name="organisation_logo"),
    path("<slug:slug>/members/import/", views.members_import, name="organisation_members_import"),
]
