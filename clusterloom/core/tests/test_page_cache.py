"""Public pages are cached for anonymous visitors and never outlive a committed change."""

import pytest
from django.urls import reverse

from clusterloom.core.models import ContentVersion
from clusterloom.core.page_cache import content_version
from clusterloom.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partnership():
    return Partnership.objects.create(acronym="DEMO", slug="demo", title="First title")


def profile(client):
    return client.get(reverse("partnership_detail", args=["demo"])).content.decode()


def test_second_visit_is_served_from_cache(client, cached, partnership, django_assert_num_queries):
    assert "First title" in profile(client)
    with django_assert_num_queries(1):  # only the content version
        assert "First title" in profile(client)


def test_a_page_is_built_afresh_the_next_day(client, cached, partnership, monkeypatch):
    """What a page counts can change because a date passed, with no write (an event is held
    once its last day is over): yesterday's page is not served today."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusterloom.core import page_cache

    profile(client)
    today = page_cache.timezone.localdate()
    monkeypatch.setattr(
        page_cache.timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1)
    )
    with CaptureQueriesContext(connection) as queries:
        assert "First title" in profile(client)
    assert len(queries) > 1  # built again, not only the content version read
    with CaptureQueriesContext(connection) as queries:
        profile(client)
    assert len(queries) == 1  # and cached for the rest of that day


def test_a_committed_change_shows_at_once(
    client, cached, partnership, django_capture_on_commit_callbacks
):
    assert "First title" in profile(client)
    with django_capture_on_commit_callbacks(execute=True):
        partnership.title = "Second title"
        partnership.save()
    assert "Second title" in profile(client)


def test_many_to_many_change_raises_the_version(
    cached, partnership, django_user_model, django_capture_on_commit_callbacks
):
    table = Partnership.coordinators.through._meta.db_table
    before = content_version(table)
    with django_capture_on_commit_callbacks(execute=True):
        partnership.coordinators.add(django_user_model.objects.create_user("c", password="x"))
    assert content_version(table) > before


def test_rolled_back_change_does_not_raise_the_version(partnership):
    before = content_version("partnerships_partnership")
    with pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            partnership.title = "Never"
            partnership.save()
            raise RuntimeError
    assert content_version("partnerships_partnership") == before


def test_logged_in_users_are_never_served_a_cached_page(client, cached, partnership, admin_user):
    profile(client)  # cached for anonymous visitors
    client.force_login(admin_user)
    Partnership.objects.filter(pk=partnership.pk).update(title="Changed behind the cache")
    assert "Changed behind the cache" in profile(client)


def test_languages_are_cached_apart(client, cached, partnership):
    english = client.get(reverse("home")).content.decode()
    german = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'lang="en"' in english and 'lang="de"' in german


def test_public_pages_carry_no_csrf_token(client, partnership):
    for url in [
        reverse("home"),
        reverse("partnership_detail", args=["demo"]),
        reverse("organisation_list"),
        reverse("network"),
    ]:
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert "csrftoken" not in response.cookies, url


def test_version_row_is_created_on_first_change(partnership, django_capture_on_commit_callbacks):
    ContentVersion.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        partnership.save()
    assert content_version("partnerships_partnership") == 1


def test_language_switch_sets_cookie_and_returns_safely(client):
    response = client.get(reverse("language_switch", args=["it"]), {"next": "/organisations/"})
    assert response.status_code == 302 and response["Location"] == "/organisations/"
    assert response.cookies["django_language"].value == "it"
    evil = client.get(reverse("language_switch", args=["it"]), {"next": "https://evil.example/"})
    assert evil["Location"] == "/"
    unknown = client.get(reverse("language_switch", args=["xx"]))
    assert "django_language" not in unknown.cookies


def test_a_write_empties_only_the_pages_that_read_what_it_touched(
    client, cached, partnership, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from clusterloom.core.page_cache import content_changed
    from clusterloom.matching.models import PartnerRequest

    assert "First title" in profile(client)
    # A write to a table the profile does not read (a partner request) leaves it cached.
    with django_capture_on_commit_callbacks(execute=True):
        content_changed(PartnerRequest)
    with django_assert_num_queries(1):
        assert "First title" in profile(client)
    # A write to the partnership shows at once; so does a change that names no table.
    with django_capture_on_commit_callbacks(execute=True):
        Partnership.objects.filter(pk=partnership.pk).update(title="Second title")
        content_changed(Partnership)
    assert "Second title" in profile(client)
    with django_capture_on_commit_callbacks(execute=True):
        Partnership.objects.filter(pk=partnership.pk).update(title="Third title")
        content_changed()
    assert "Third title" in profile(client)


def test_a_cached_value_used_by_a_page_makes_the_page_depend_on_its_tables(
    cached, partnership, django_capture_on_commit_callbacks
):
    from clusterloom.core.page_cache import _cached, versioned

    def title():
        return Partnership.objects.get(pk=partnership.pk).title

    assert versioned("title", title) == "First title"  # cached now, read no more

    def page():
        return "page showing " + versioned("title", title)

    assert _cached("page:test", page, 600) == "page showing First title"
    with django_capture_on_commit_callbacks(execute=True):
        partnership.title = "Second title"
        partnership.save()
    assert _cached("page:test", page, 600) == "page showing Second title"


@pytest.mark.django_db(transaction=True)
def test_the_counters_are_raised_last_in_the_writes_own_transaction(django_user_model):
    """One commit per write: the counters are raised inside the write's transaction, after
    its last change and before its COMMIT (on SQLite the one write lock is taken once; on
    PostgreSQL one fsync, not two), in one statement for every table it touched."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    coordinator = django_user_model.objects.create_user("c", password="x")
    before = content_version("partnerships_partnership")
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            Partnership.objects.create(acronym="LOCK", slug="lock", title="Lock")
            Partnership.objects.get(slug="lock").coordinators.add(coordinator)
    sql = [q["sql"] for q in queries.captured_queries]
    bumps = [i for i, q in enumerate(sql) if q.startswith("UPDATE") and "core_contentversion" in q]
    commit = [q.split()[0].upper() for q in sql].index("COMMIT")
    writes = [i for i, q in enumerate(sql) if q.startswith("INSERT") and "contentversion" not in q]
    assert content_version("partnerships_partnership") == before + 1
    assert len(bumps) == 1 and max(writes) < bumps[0] < commit
    assert "core_contentversion" not in " ".join(sql[commit + 1 :])


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_raises_no_counter_and_leaves_nothing_noted():
    from django.db import connection, transaction

    before = content_version("partnerships_partnership")
    with pytest.raises(RuntimeError), transaction.atomic():
        Partnership.objects.create(acronym="GONE", slug="gone", title="Gone")
        raise RuntimeError
    with transaction.atomic():
        Partnership.objects.filter(slug="nothing").update(title="x")  # no signal: nothing noted
    assert content_version("partnerships_partnership") == before
    assert not getattr(connection, "pending_scopes", None)


@pytest.mark.django_db(transaction=True)
def test_counters_of_several_tables_are_raised_in_the_order_of_their_names():
    """Two writes raising overlapping sets of counters take their rows in one order, so they
    cannot deadlock (on PostgreSQL, FOR UPDATE ... ORDER BY scope)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusterloom.core.page_cache import raise_counters

    raise_counters(["b_table", "a_table"])  # creates both
    with CaptureQueriesContext(connection) as queries:
        raise_counters(["b_table", "a_table"])
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert "ORDER BY" in update
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in update
    assert (content_version("a_table"), content_version("b_table")) == (2, 2)
