"""Reading under load: requests/second for a 200-comment post page, cache warm and cold.

Starts the app under gunicorn on 127.0.0.1 twice: once with the discussion cache on
(Redis, warmed by the first request) and once with it off (every request renders the whole
discussion). Concurrent keep-alive clients fetch the post page for a fixed time.

    python bench/read_load.py [--comments 200] [--clients 8] [--seconds 10]
"""

import argparse
import http.client
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Gunicorn, percentile, reset_database, seed_post, setup_django


def hammer(port, path, clients, seconds):
    """(requests/second, p50 ms, p95 ms, errors) for ``clients`` keep-alive readers."""
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def reader():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - began) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    began = time.monotonic()
    threads = [threading.Thread(target=reader, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - began
    return (
        len(latencies) / elapsed,
        percentile(latencies, 0.5),
        percentile(latencies, 0.95),
        sum(errors),
    )


def measure(path, *, cache_on, clients, seconds, workers):
    os.environ["COMMENTS_CACHE_TIMEOUT"] = "3600" if cache_on else "0"
    with Gunicorn(workers=workers) as server:
        hammer(server.port, path, clients, 2)  # warm-up: workers, templates, the cache
        return hammer(server.port, path, clients, seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config)")
    args = parser.parse_args(argv)
    os.environ["COMMENTS_PER_PAGE"] = "0"  # all the comments on the one page
    setup_django()
    reset_database()
    post = seed_post(args.comments, slug="read-load")
    path = post.get_absolute_url()
    results = {}
    for label, cache_on in (("warm", True), ("cold", False)):
        rps, p50, p95, errors = measure(
            path, cache_on=cache_on, clients=args.clients, seconds=args.seconds,
            workers=args.workers,
        )  # fmt: skip
        results[label] = rps
        print(
            f"cache {label}: {rps:7.1f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
            f"errors {errors}  ({args.comments} comments, {args.clients} clients)"
        )
    print(f"warm_rps={results['warm']:.1f} cold_rps={results['cold']:.1f} comments={args.comments}")
    return results


if __name__ == "__main__":
    main()
