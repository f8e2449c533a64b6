"""Strategy pages, mounted at /strategies/."""

from django.urls import path

from clusterloom.core.routes import object_pages

from . import strategy_views as views

STRATEGY = "<int:pk>/"
VERSION = STRATEGY + "versions/<int:number>/"
ACTION = "actions/<int:action_id>/"
MILESTONE = "milestones/<int:milestone_id>/"

urlpatterns = [
    path("partnership/<slug:slug>/", views.strategy_overview, name="strategy_overview"),
    path("new/", views.strategy_create, name="strategy_create"),
    path(STRATEGY, views.strategy_detail, name="strategy_detail"),
    *object_pages(STRATEGY, views, "strategy", "edit adopt publish versions"),
    path(VERSION, views.strategy_version, name="strategy_version"),
    path(VERSION + "delete/", views.strategy_version_delete, name="strategy_version_delete"),
    path(STRATEGY + "diff/", views.strategy_diff, name="strategy_diff"),
    path(STRATEGY + "gantt.svg", views.strategy_gantt_svg, name="strategy_gantt_svg"),
    path(STRATEGY + "actions/new/", views.action_create, name="roadmap_action_create"),
    *object_pages(ACTION, views, "action", "edit delete", name="roadmap_action"),
    path(ACTION + "milestones/new/", views.milestone_create, name="roadmap_milestone_create"),
    *object_pages(MILESTONE, views, "milestone", "edit delete", name="roadmap_milestone"),
]
