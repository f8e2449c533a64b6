"""Partner-matching pages."""

urlpatterns: list = []
