"""CPU per uncached page, in-process: the Django test client asks for each URL pattern N times
(page cache off) and the median and 90th percentile of `time.process_time()` per request are
printed. Less sensitive to a busy machine than wall time; run two checkouts one after the
other (several times, alternating) to compare code.

    DATABASE_URL=sqlite:///path/bench.sqlite3 DJANGO_SETTINGS_MODULE=clusterloom.settings \\
        .venv/bin/python bench/page_cpu.py [-n 60] /partnerships/SLUG/ /organisations/ORG/

The database is one `bench/generate.py` filled; SLUG is replaced by a random partnership's
slug, ORG by a random organisation's (fixed seed), the first 5 requests are not counted.
"""

import argparse
import random
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("-n", type=int, default=60, help="requests per URL pattern")
    args = parser.parse_args()
    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from clusterloom.directory.models import Organisation
    from clusterloom.partnerships.models import Partnership

    partnerships = list(Partnership.objects.values_list("slug", flat=True))
    organisations = list(Organisation.objects.values_list("slug", flat=True)[:3000])
    rng = random.Random(1)
    client = Client()
    with override_settings(PAGE_CACHE_SECONDS=0):
        for pattern in args.urls:
            times = []
            for i in range(args.n):
                url = pattern.replace("SLUG", rng.choice(partnerships))
                url = url.replace("ORG", rng.choice(organisations))
                started = time.process_time()
                response = client.get(url)
                spent = time.process_time() - started
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
                if i >= 5:
                    times.append(spent * 1000)
            times.sort()
            print(
                f"{pattern:40s} CPU median {statistics.median(times):7.2f} ms, "
                f"p90 {times[int(len(times) * 0.9)]:7.2f} ms ({len(times)} requests)"
            )


if __name__ == "__main__":
    main()
