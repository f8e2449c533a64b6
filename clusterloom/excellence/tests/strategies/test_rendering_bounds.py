"""Strategy texts render in time linear in their length, once, when a version is saved: the
pages and the API serve the stored HTML; admins may delete a version; the diff of two long
versions stays fast."""

import time

import pytest
from django.test import Client

from clusterloom.excellence import strategy_services as services
from clusterloom.excellence.markdown import render_markdown
from clusterloom.excellence.models import StrategyVersion

from .conftest import api_matrix, page_matrix, send

API = "/api/strategies"
#: A text's length and eight times it, for the growth checks.
_SIZES = (12_500, 100_000)


def _render_cpu(text):
    """The fewest CPU seconds of three renderings of text (CPU time of this thread, so other
    work on a shared machine, or another thread of the test process, counts as little as it
    can; the fewest, so a pause does not)."""
    times = []
    for _ in range(3):
        started = time.thread_time()
        render_markdown(text)
        times.append(time.thread_time() - started)
    return min(times)


@pytest.mark.parametrize(
    "unit",
    [
        "[a](b",
        "![a](",
        "*a_",
        "**_",
        "*a **b ",
        "[[[",
        "<a x='",
        "[a]: b\n",
        "[a][a]",
        "~~a",
        "&#",
        "> ",
        "<ul><li>",
        "`a``",
        "a\n",
    ],
)
def test_pathological_markdown_renders_in_time_linear_in_its_length(unit):
    # python-markdown took 0.8 / 3.3 / 13.9 s for 2,000 / 4,000 / 8,000 repeats of "[a](b";
    # markdown-it-py 1-2 s for 100 KB of "![a](" or "[[["; cmark-gfm and nh3 take 1-150 ms
    # (bench/markdown_render.py). What is checked is the growth, not a time: eight times the
    # text may take at most 32 times as long (linear: 8; quadratic: 64; the worst unit here,
    # "&#", grows as n^1.4: about 17), so a slow or busy machine does not fail it.
    small, large = (_render_cpu((unit * (size // len(unit) + 1))[:size]) for size in _SIZES)
    assert large < 32 * small + 0.01, f"{unit!r}: {small:.4f} s -> {large:.4f} s"
    assert large < 5  # python-markdown took minutes


def test_a_table_of_thousands_of_columns_does_not_blow_up():
    # Rows shorter than the header are not padded to 5,000 cells each (markdown-it-py wrote
    # 65,536 empty cells; a port without its cap wrote 80 MB for 20 KB).
    header = "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n"
    small, large = (_render_cpu(header + "|\n" * rows) for rows in (5_000, 40_000))
    assert large < 32 * small + 0.01
    text = header + "|\n" * 40_000
    assert len(render_markdown(text)) < 10 * len(text)


def test_html_nested_deeper_than_the_limit_is_shown_as_written():
    from clusterloom.excellence.markdown import MAX_DEPTH

    deep = "> " * (MAX_DEPTH + 1) + "<script>x</script> *a*"
    html = render_markdown(deep)
    assert html.startswith("<pre>") and "&lt;script&gt;" in html and "<script" not in html
    nested = "\n".join("  " * i + f"- level {i}" for i in range(10))
    html = render_markdown(nested)
    assert html.count("<ul>") == 10 and "<li>level 9</li>" in html


def test_a_hostile_text_is_saved_fast_and_its_page_and_api_answer(world):
    text = "[a](b" * 20_000  # 100 KB, half the limit
    services.strategy_publish(actor=world.admin, strategy=world.strategy, published=True)
    client = Client()
    client.get(f"{API}/{world.strategy.pk}")  # the first request loads the URL conf
    started = time.thread_time()
    response = send(
        client,
        "patch",
        f"{API}/{world.strategy.pk}",
        {"text": text, "note": "x"},
        world.manager,
    )
    assert response.status_code == 200
    assert time.process_time() - started < 10  # 0.5 s alone: rendered once, here
    started = time.thread_time()
    assert client.get(f"/strategies/{world.strategy.pk}/").status_code == 200
    assert client.get(f"{API}/{world.strategy.pk}/versions/2").status_code == 200
    assert time.process_time() - started < 3  # no rendering: python-markdown took minutes


def test_pages_and_api_serve_the_html_stored_at_save(world, monkeypatch):
    services.strategy_publish(actor=world.admin, strategy=world.strategy, published=True)
    version = world.strategy.versions.get()
    assert version.html == "<h1>Vision</h1>\n<p>Grow.</p>"

    def refuse(text):
        raise AssertionError("rendered while reading")

    monkeypatch.setattr("clusterloom.excellence.markdown.render_markdown", refuse)
    monkeypatch.setattr("clusterloom.excellence.strategy_services.render_markdown", refuse)
    client = Client()
    assert "<h1>Vision</h1>" in client.get(f"/strategies/{world.strategy.pk}/").content.decode()
    assert (
        "<h1>Vision</h1>"
        in client.get(f"/strategies/{world.strategy.pk}/versions/1/").content.decode()
    )
    assert client.get(f"{API}/{world.strategy.pk}").json()["html"] == version.html
    assert client.get(f"{API}/{world.strategy.pk}/versions/1").json()["html"] == version.html


@pytest.mark.parametrize(
    "migration", ["0003_strategy_version_html", "0005_strategy_version_html_cmark"]
)
def test_the_migrations_render_versions_saved_before(world, migration):
    from importlib import import_module

    from django.apps import apps

    StrategyVersion.objects.update(html="")
    module = import_module(f"clusterloom.excellence.migrations.{migration}")
    module.render_versions(apps, None)
    assert StrategyVersion.objects.get(strategy=world.strategy).html == (
        "<h1>Vision</h1>\n<p>Grow.</p>"
    )


def _second_version(world):
    services.strategy_update(
        actor=world.manager, strategy=world.strategy, data={"text": "# Two", "note": "two"}
    )


def test_only_an_admin_deletes_a_version_through_the_api(world):
    _second_version(world)
    url = f"{API}/{world.strategy.pk}/versions/2"
    api_matrix(
        world,
        "delete",
        url,
        {"anonymous": 401, "member": 404, "manager": 403, "coordinator": 403, "admin": 204},
    )
    assert send(Client(), "delete", url, None, world.admin).status_code == 204
    assert list(world.strategy.versions.values_list("number", flat=True)) == [1]
    assert send(Client(), "delete", url, None, world.admin).status_code == 404


def test_the_adopted_version_is_not_deleted(world):
    services.strategy_adopt(actor=world.manager, strategy=world.strategy, adopted_on="2026-01-05")
    response = send(Client(), "delete", f"{API}/{world.strategy.pk}/versions/1", None, world.admin)
    assert response.status_code == 400
    assert response.json()["field"] == "version"
    assert world.strategy.versions.count() == 1


def test_the_version_page_offers_deletion_to_admins_only(world):
    _second_version(world)
    url = f"/strategies/{world.strategy.pk}/versions/2/"
    client = Client()
    client.force_login(world.manager)
    assert "Delete this version" not in client.get(url).content.decode()
    page_matrix(world, "post", url + "delete/", {"anonymous": 404, "manager": 403, "admin": 302})
    client.force_login(world.admin)
    assert "Delete this version" in client.get(url).content.decode()
    response = client.post(url + "delete/")
    assert response.status_code == 302
    assert not world.strategy.versions.filter(number=2).exists()


def test_the_diff_of_two_long_versions_is_fast(world):
    from clusterloom.excellence.strategy_selectors import version_diff

    older = StrategyVersion(number=1, text="\n".join(str(i % 150) for i in range(20_000)))
    newer = StrategyVersion(number=2, text="\n".join(str(i * 7 % 150) for i in range(20_000)))
    started = time.thread_time()
    lines = version_diff(older, newer)
    assert time.process_time() - started < 2
    assert sum(kind == "-" for kind, _ in lines) and sum(kind == "+" for kind, _ in lines)
    small = version_diff(
        StrategyVersion(number=1, text="a\nb\nc"), StrategyVersion(number=2, text="a\nx\nc")
    )
    assert ("-", "b") in small and ("+", "x") in small and (" ", "a") in small
