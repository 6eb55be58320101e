"""What counting one comment form against the rate limits costs, on Redis.

    REDIS_URL=redis://127.0.0.1:6379/5 python bench/rate_limit.py [--forms 2000]

Counts ``--forms`` comment forms from one address through ``comments.antispam
.comment_allowance`` (the comments stored and the forms sent), each kept as a stored
comment, with both limits set too high to refuse. Prints the Redis commands (from the
server's ``INFO commandstats``), the CPU of this process and the wall time per form; the last
line is machine-readable. Uses the Redis database of ``REDIS_URL`` (database 5 by default).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WARMUP = 100
ADDRESS = "203.0.113.9"


def commands_processed(client):
    """Every command the Redis server has run so far."""
    return sum(stats["calls"] for stats in client.info("commandstats").values())


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=2000)
    args = parser.parse_args(argv)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogapp.settings.dev")
    import django

    django.setup()
    import redis
    from django.conf import settings

    from comments import antispam

    settings.COMMENTS_RATE_LIMIT_COUNT = settings.COMMENTS_RATE_LIMIT_ATTEMPTS = 10**9

    def one_form():
        with antispam.comment_allowance(ADDRESS) as allowance:
            allowance.keep()

    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    for _ in range(WARMUP):
        one_form()
    commands, cpu, wall = commands_processed(server), cpu_seconds(), time.perf_counter()
    for _ in range(args.forms):
        one_form()
    wall = (time.perf_counter() - wall) / args.forms * 1e6
    cpu = (cpu_seconds() - cpu) / args.forms * 1e6
    # The INFO call that reads the count is one command of its own.
    commands = (commands_processed(server) - commands - 1) / args.forms
    print(f"{args.forms:,} comment forms: {commands:.1f} Redis commands, "
          f"{cpu:.0f} µs of CPU, {wall:.0f} µs wall per form")  # fmt: skip
    print(f"redis_commands={commands:.1f} cpu_us={cpu:.0f} wall_us={wall:.0f}")


if __name__ == "__main__":
    main()
