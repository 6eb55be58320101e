"""The moderators' rules on the write path: one query, whatever their number.

    python bench/spam_rules.py [--rules 10000] [--repeat 300]

Fills the rules table with ``--rules`` rules (a quarter each: phrases, email addresses,
IPv4 and IPv6 ranges, website domains), then times ``comments.spamfilter.rules.matching_rules``
on a typical comment (300 characters with a link) and on a long one (10,000 characters),
with and without a matching rule: median wall and CPU time per check, and its queries.
Compare with ``--rules 0``. The last line is machine-readable for bench/run_all.py.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WORDS, reset_database, setup_django


def fill(count):
    from comments.spamfilter.models import SpamRule

    rules = []
    for i in range(count // 5 + 1):
        rules += [
            SpamRule.build(kind="word", pattern=f"{WORDS[i % len(WORDS)]}{i} deal", action="spam"),
            SpamRule.build(kind="email", pattern=f"seller{i}@shop{i}.example.com", action="spam"),
            SpamRule.build(kind="ip", pattern=f"10.{i // 250 % 250}.{i % 250}.0/24", action="hold"),
            SpamRule.build(kind="ip", pattern=f"2001:db8:{i:x}::/48", action="hold"),
            SpamRule.build(kind="website", pattern=f"deals{i}.example.net", action="spam"),
        ]
    SpamRule.objects.bulk_create(rules[:count], batch_size=2000)


def timed(repeat, **comment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comments.spamfilter.rules import matching_rules

    wall, cpu = [], []
    for _ in range(repeat):
        began_wall, began_cpu = time.perf_counter(), time.process_time()
        matching_rules(**comment)
        wall.append((time.perf_counter() - began_wall) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        hits = matching_rules(**comment).rules
    return statistics.median(wall), statistics.median(cpu), len(queries), len(hits)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args(argv)
    setup_django()
    reset_database()
    fill(args.rules)
    typical = " ".join(WORDS[i % len(WORDS)] for i in range(45)) + " https://example.org/x"
    long_text = " ".join(f"{WORDS[i % len(WORDS)]}" for i in range(1600))
    cases = {
        "typical": {"body": typical, "author_email": "ann@example.org", "ip_address": "192.0.2.7"},
        "long": {"body": long_text, "author_email": "ann@example.org", "ip_address": "2001:db9::1"},
        "matching": {"body": typical + " deals42.example.net",
                     "author_email": "x@shop7.example.com", "ip_address": "10.0.9.1"},
    }  # fmt: skip
    figures = {}
    for name, comment in cases.items():
        wall, cpu, queries, hits = timed(args.repeat, **comment)
        figures[name] = wall
        size = len(comment["body"])
        print(
            f"{args.rules:,} rules, {name} comment ({size:,} characters): median "
            f"{wall:.3f} ms wall, {cpu:.3f} ms CPU, {queries} query, {hits} rules hit"
        )
    summary = " ".join(f"{name}_ms={ms:.3f}" for name, ms in figures.items())
    print(f"{summary} rules={args.rules}")
    reset_database()
    return figures


if __name__ == "__main__":
    main()
