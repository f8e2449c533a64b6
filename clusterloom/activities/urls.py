"""Activity pages (mounted at /activities/)."""

from django.urls import path

from . import attendance_views as av
from . import views
from .feeds import PartnershipActivityFeed

P = "partnerships/<slug:slug>/"
A = "<int:pk>/"

urlpatterns = [
    path("", views.activity_index, name="activity_index"),
    path(P, views.activity_feed_page, name="activity_feed_page"),
    path(P + "feed.atom", PartnershipActivityFeed(), name="activity_feed"),
    path(P + "new/", views.activity_create, name="activity_create"),
    path(P + "capacity/", av.capacity, name="activity_capacity"),
    path(A, views.activity_detail, name="activity_detail"),
    path(A + "edit/", views.activity_edit, name="activity_edit"),
    path(A + "status/", views.activity_status, name="activity_status"),
    path(A + "delete/", views.activity_delete, name="activity_delete"),
    path(A + "attendance/", av.attendance_add, name="activity_attendance_add"),
    path(
        A + "attendance/<int:attendance_pk>/remove/",
        av.attendance_remove,
        name="activity_attendance_remove",
    ),
    path(A + "attendance/import/", av.attendance_upload, name="activity_attendance_import"),
]
