"""The cost of enqueueing one task: django-tasks-db's enqueue against the site's.

    python bench/enqueue.py [--calls 2000] [--rounds 4]

Enqueues ``comments.events.handle_event`` (the task every reply enqueues) ``--calls`` times
with each backend, alternated ``--rounds`` times, inside a transaction that is rolled back.
Prints the CPU (this process: Python and the database driver) and wall time per call of
each round, then the medians; the last line is machine-readable for bench/run_all.py.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

WARMUP = 50
ARGS = [None, [123], "", "approved", True, False]  # a published reply, no webhook


def per_call(backend, task, calls):
    """CPU and wall microseconds per enqueue, the rows rolled back."""
    from django.db import transaction

    with transaction.atomic():
        for _ in range(WARMUP):
            backend.enqueue(task, ARGS, {})
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            backend.enqueue(task, ARGS, {})
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        transaction.set_rollback(True)
    return cpu / calls * 1e6, wall / calls * 1e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    setup_django()
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend as LibraryBackend

    from comments.events import handle_event

    backends = {
        "django-tasks-db": LibraryBackend("default", {"QUEUES": ["default"]}),
        "the site's": task_backends["default"],
    }
    figures = {name: [] for name in backends}
    for round_no in range(args.rounds):
        names = list(backends) if round_no % 2 == 0 else list(reversed(backends))
        for name in names:
            cpu, wall = per_call(backends[name], handle_event, args.calls)
            figures[name].append((cpu, wall))
            print(f"round {round_no + 1} {name}: {cpu:.0f} µs CPU, {wall:.0f} µs wall a call")
    (lib_cpu, lib_wall), (ours_cpu, ours_wall) = (
        (
            statistics.median(c for c, _ in figures[name]),
            statistics.median(w for _, w in figures[name]),
        )
        for name in backends
    )
    print(f"medians: django-tasks-db {lib_cpu:.0f} µs CPU, {lib_wall:.0f} µs wall; "
          f"the site's {ours_cpu:.0f} µs CPU, {ours_wall:.0f} µs wall")  # fmt: skip
    print(f"library_cpu_us={lib_cpu:.0f} library_wall_us={lib_wall:.0f} "
          f"site_cpu_us={ours_cpu:.0f} site_wall_us={ours_wall:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
