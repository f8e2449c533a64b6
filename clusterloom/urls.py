"""URL map: pages per app, accounts, admin, the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from clusterloom.api import api
from clusterloom.core.views import favicon, healthz, language_switch, my_home

urlpatterns = [
    path("", include("clusterloom.partnerships.urls")),
    path("organisations/", include("clusterloom.directory.urls")),
    path("partners/", include("clusterloom.matching.urls")),
    path("exchanges/", include("clusterloom.exchanges.urls")),
    path("events/", include("clusterloom.events.urls")),
    path("excellence/", include("clusterloom.excellence.urls")),
    path("strategies/", include("clusterloom.excellence.strategy_urls")),
    path("activities/", include("clusterloom.activities.urls")),
    path("reporting/", include("clusterloom.reporting.urls")),
    path("regions/", include("clusterloom.geo.urls")),
    path("my/", my_home, name="my_home"),
    path("accounts/", include("clusterloom.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", language_switch, name="language_switch"),
    # The admin logs in through the throttled login page, not a second, unthrottled one.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

handler400 = "clusterloom.core.views.bad_request"
handler404 = "clusterloom.core.views.not_found"
handler500 = "clusterloom.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
