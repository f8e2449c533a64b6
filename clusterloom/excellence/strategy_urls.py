"""Strategy pages, mounted at /strategies/."""

from django.urls import path

from . import strategy_views as views

urlpatterns = [
    path("partnership/<slug:slug>/", views.strategy_overview, name="strategy_overview"),
    path("new/", views.strategy_create, name="strategy_create"),
    path("<int:pk>/", views.strategy_detail, name="strategy_detail"),
    path("<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("<int:pk>/adopt/", views.strategy_adopt, name="strategy_adopt"),
    path("<int:pk>/publish/", views.strategy_publish, name="strategy_publish"),
    path("<int:pk>/versions/", views.strategy_versions, name="strategy_versions"),
    path("<int:pk>/versions/<int:number>/", views.strategy_version, name="strategy_version"),
    path(
        "<int:pk>/versions/<int:number>/delete/",
        views.strategy_version_delete,
        name="strategy_version_delete",
    ),
    path("<int:pk>/diff/", views.strategy_diff, name="strategy_diff"),
    path("<int:pk>/gantt.svg", views.strategy_gantt_svg, name="strategy_gantt_svg"),
    path("<int:pk>/actions/new/", views.action_create, name="roadmap_action_create"),
    path("actions/<int:action_id>/edit/", views.action_edit, name="roadmap_action_edit"),
    path("actions/<int:action_id>/delete/", views.action_delete, name="roadmap_action_delete"),
    path(
        "actions/<int:action_id>/milestones/new/",
        views.milestone_create,
        name="roadmap_milestone_create",
    ),
    path(
        "milestones/<int:milestone_id>/edit/", views.milestone_edit, name="roadmap_milestone_edit"
    ),
    path(
        "milestones/<int:milestone_id>/delete/",
        views.milestone_delete,
        name="roadmap_milestone_delete",
    ),
]
