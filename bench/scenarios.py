"""The endpoints a latency run measures and how their URLs are drawn from the generated data."""

import random
from collections.abc import Callable
from urllib.parse import urlencode

#: The trivial Django view every figure is compared with (a plain HttpResponse("ok")).
BASELINE = "baseline_healthz"


def _search_query(manifest: dict, rng: random.Random) -> dict:
    """A directory search as people type it: a word, often narrowed by country and/or kind."""
    shape = rng.choice(["q", "q+country", "q+kind", "q+country+kind", "country", "country+kind"])
    params = {}
    if "q" in shape:
        params["q"] = rng.choice(manifest["search_words"])
    if "country" in shape:
        params["country"] = rng.choice(manifest["countries"])
    if "kind" in shape:
        params["kind"] = rng.choice(manifest["kinds"])
    return params


def directory_search(manifest: dict, rng: random.Random) -> str:
    """The directory search page."""
    return "/organisations/?" + urlencode(_search_query(manifest, rng))


def api_organisations(manifest: dict, rng: random.Random) -> str:
    """The organisation search of the API."""
    return "/api/organisations?" + urlencode(_search_query(manifest, rng))


def partnership_profile(manifest: dict, rng: random.Random) -> str:
    """A partnership's public profile page."""
    return f"/partnerships/{rng.choice(manifest['partnership_slugs'])}/"


def api_partnership(manifest: dict, rng: random.Random) -> str:
    """A partnership in the API."""
    return f"/api/partnerships/{rng.choice(manifest['partnership_slugs'])}"


def organisation_profile(manifest: dict, rng: random.Random) -> str:
    """An organisation's page in the directory."""
    return f"/organisations/{rng.choice(manifest['organisation_slugs'])}/"


def baseline(manifest: dict, rng: random.Random) -> str:
    """The trivial view."""
    return "/healthz"


ENDPOINTS: dict[str, Callable[[dict, random.Random], str]] = {
    BASELINE: baseline,
    "directory_search": directory_search,
    "partnership_profile": partnership_profile,
    "organisation_profile": organisation_profile,
    "api_organisations": api_organisations,
    "api_partnership": api_partnership,
}

#: The pages the goal (p95 under 100 ms with 20 clients) is about.
GOAL_ENDPOINTS = ["directory_search", "partnership_profile"]
GOAL_P95_MS = 100.0


def paths_for(
    endpoint: str, manifest: dict, *, clients: int, per_client: int, seed: int
) -> list[list[str]]:
    """Each client's list of paths, drawn deterministically from the seed."""
    rng = random.Random(f"{seed}-{endpoint}-{clients}")
    make = ENDPOINTS[endpoint]
    return [[make(manifest, rng) for _ in range(per_client)] for _ in range(clients)]
