"""Reply latency with and without notifications, A/B in one sitting.

    python bench/reply_ab.py [--rounds 4] [--seconds 15] [--subscribers 1000]

Runs ``reply_load.py`` (8 clients, back to back, a 10,000-comment post) alternately with
``COMMENTS_NOTIFICATIONS_ENABLED`` off (A: no task enqueued) and on (B: the post has 1,000
confirmed subscribers, every reply enqueues its one notification task), replies published at
once in both (``COMMENTS_MODERATION=none``), interleaved A B B A A B… so both arms share the
machine's state and neither always runs second. No worker runs: the figure is what the
request pays. Prints each run, then the pooled p95 of each arm and their ratio; the last
line is machine-readable (``key=value``) for bench/run_all.py.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ab import interleave, reply_load_latencies
from bench.common import setup_django


def arm(enabled, seconds, subscribers):
    """One run; its note says how many tasks were enqueued (one per reply, none when off)."""
    os.environ["COMMENTS_NOTIFICATIONS_ENABLED"] = "1" if enabled else "0"
    # Replies are published at once (both arms), so each one is news for the subscribers.
    os.environ["COMMENTS_MODERATION"] = "none"
    result, latencies = reply_load_latencies(
        8, seconds, 10_000, subscribers=subscribers if enabled else 0
    )
    from django_tasks_db.models import DBTaskResult

    from comments.events import handle_event

    tasks = DBTaskResult.objects.filter(task_path=handle_event.module_path).count()
    # One task per reply, whatever the subscribers; none with the switch off.
    problems = int(tasks != result["replies"] if enabled else tasks > 0)
    return result, latencies, f"tasks enqueued {tasks} for {result['replies']} replies", problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--subscribers", type=int, default=1000)
    args = parser.parse_args(argv)
    setup_django()
    return interleave(
        args.rounds,
        lambda enabled: arm(enabled, args.seconds, args.subscribers),
        ("A notifications off", "B notifications on "),
    )


if __name__ == "__main__":
    main()
