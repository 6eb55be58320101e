"""Every benchmark, one after the other, and a table: figure, measured, target, ratio.

    make bench                      # or: python bench/run_all.py [--write-readme]

Uses BENCH_DATABASE_URL (created if missing; emptied and refilled by every run) and Redis
at BENCH_REDIS_URL. Benchmarks are never part of the test suite's pass/fail.
"""

import argparse
import datetime
import os
import platform
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

README = Path(__file__).resolve().parent / "README.md"
# Benchmarks run in this process set variables for the servers they start (read_load: the
# whole discussion on one page, the cache off). Every other benchmark starts from this.
START_ENVIRONMENT = dict(os.environ)
TABLE_START = "<!-- bench-table:start -->"
TABLE_END = "<!-- bench-table:end -->"


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    import django

    return (
        f"{os.cpu_count()} CPU ({cpu}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL {postgres}, {platform.system()}"
    )


def script_figures(name, *options):
    """Run another benchmark script (its own settings and database) and read its last line,
    ``key=value`` pairs; None if it printed none."""
    import subprocess

    url = os.environ["BENCH_DATABASE_URL"]
    env = {**START_ENVIRONMENT, "BENCH_DATABASE_URL": url, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = Path(__file__).resolve().parent / name
    result = subprocess.run(
        [sys.executable, str(script), *options],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    print(result.stdout + result.stderr)
    lines = result.stdout.strip().splitlines()
    if not lines or "=" not in lines[-1]:
        return None
    return dict(part.split("=", 1) for part in lines[-1].split())


def row(figure, measured, target=None, ratio=None):
    return figure, measured, target or "—", "—" if ratio is None else f"{ratio:.2f}"


def table(rows):
    lines = ["| figure | measured | target | ratio to target |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(cells)} |" for cells in rows]
    return "\n".join(lines)


def write_readme(text):
    content = README.read_text()
    pattern = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.S)
    README.write_text(pattern.sub(lambda _: f"{TABLE_START}\n{text}\n{TABLE_END}", content))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    from bench.common import DEFAULT_BENCH_DATABASE_URL, ensure_database

    ensure_database(os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_BENCH_DATABASE_URL))
    from bench import read_load, reply_load, thread_page

    rows = []
    for size in (10_000, 1_000):
        print(f"\n== thread_page, {size} comments")
        page = thread_page.main(["--comments", str(size)])
        rows.append(
            row(
                f"full thread page, {size:,} comments: page / floor",
                f"{page['page_ms']:.0f} ms / {page['floor_ms']:.0f} ms = {page['ratio']:.2f}×",
                "≤ 3×",
                page["ratio"] / 3,
            )
        )
        rows.append(
            row(f"SQL queries, {size:,}-comment page", str(page["queries"]), "≤ 4",
                page["queries"] / 4)
        )  # fmt: skip
    print("\n== reply_load")
    reply = reply_load.main([])
    rows += [
        row("replies/s, 8 clients, 10,000-comment post", f"{reply['replies_per_s']:.1f}"),
        row("reply POST latency p50", f"{reply['p50_ms']:.1f} ms"),
        row("reply POST latency p95", f"{reply['p95_ms']:.1f} ms", "≤ 50 ms",
            reply["p95_ms"] / 50),
        row("replies lost / duplicated / misplaced",
            f"{reply['lost']} / {reply['duplicated']} / {reply['misplaced']}", "0 / 0 / 0"),
        row("comment trees valid after the run",
            "yes" if not reply["tree_problems"] else "NO", "yes"),
    ]  # fmt: skip
    print("\n== reply_load, paced: each client one reply per second (not saturating 2 cores)")
    paced = reply_load.main(["--pace", "1"])
    rows += [
        row("reply POST latency p95, 8 clients at 1 reply/s each", f"{paced['p95_ms']:.1f} ms",
            "≤ 50 ms", paced["p95_ms"] / 50),
        row("paced run: lost / duplicated / tree valid",
            f"{paced['lost']} / {paced['duplicated']} / "
            f"{'yes' if not paced['tree_problems'] else 'NO'}", "0 / 0 / yes"),
    ]  # fmt: skip
    print("\n== read_load")
    read = read_load.main([])
    rows += [
        row("200-comment page, cache warm", f"{read['warm']:.1f} req/s"),
        row("200-comment page, cache cold", f"{read['cold']:.1f} req/s"),
    ]
    imports = (  # what, bench/import.py options, target comments/s
        ("WXR import, 100,000 comments on 100 posts", ("--format", "wxr"), 20_000),
        ("WXR import, 100,000 comments on 5,000 posts", ("--posts", "5000"), None),
        ("Disqus import, 100,000 comments on 100 threads", ("--format", "disqus"), None),
    )
    for name, options, target in imports:
        print(f"\n== {name} (bench/import.py {' '.join(options)})")
        imported = script_figures("import.py", "--comments", "100000", *options)
        if imported:
            rate = float(imported["comments_per_s"])
            rows.append(
                row(
                    name,
                    f"{rate:,.0f} comments/s, peak memory {imported['peak_rss_mib']} MiB",
                    f"≥ {target:,} comments/s" if target else None,
                    target / rate if target else None,
                )
            )
    print("\n== export (bench/export.py, 100,000 comments, interleaved with the importer)")
    exported = script_figures("export.py", "--comments", "100000", "--rounds", "3")
    if exported:
        export_rate, read_rate = float(exported["export_per_s"]), float(exported["read_per_s"])
        rows += [
            row(
                "export_archive, 100,000 comments: speed / importer reading the same file",
                f"{export_rate:,.0f} / {read_rate:,.0f} comments/s",
                "export ≥ read",
                read_rate / export_rate,
            ),
            row(
                "export_archive, 100,000 comments: peak memory",
                f"{exported['export_peak_mib']} MiB",
                "≤ 200 MiB (at 1,000,000)",
                float(exported["export_peak_mib"]) / 200,
            ),
        ]
    print("\n== one busy thread (bench/concurrency.py)")
    busy = script_figures("concurrency.py")
    if busy:
        rows += [
            row(
                "one thread, 32 writers replying + 8 starting threads",
                f"{float(busy['comments_per_s']):.1f} comments/s, POST p50 {busy['p50_ms']} ms, "
                f"p95 {busy['p95_ms']} ms",
            ),
            row(
                "busy thread: lost / duplicated / tree valid",
                f"{busy['lost']} / {busy['duplicated']} / {busy['tree_valid']}",
                "0 / 0 / yes",
            ),
        ]
    print("\n== moderation admin (bench/moderation_admin.py, 20,000 comments)")
    admin = script_figures("moderation_admin.py")
    if admin:
        rows.append(
            row(
                "moderation admin, 20,000 comments: queue / search / thread view / bulk remove 100",
                f"{admin['queue_ms']} / {admin['search_ms']} / {admin['thread_ms']} / "
                f"{admin['remove_ms']} ms",
            )
        )
        rows.append(
            row(
                "admin thread view: 10,000-comment tree / 5,000-deep thread (page of the last)",
                f"{admin['tree10k_last_ms']} / {admin['deep5k_last_ms']} ms",
                "≤ 300 ms",
                max(float(admin["tree10k_last_ms"]), float(admin["deep5k_last_ms"])) / 300,
            )
        )
    print("\n== reply latency with and without notifications (bench/reply_ab.py, A/B)")
    ab = script_figures("reply_ab.py")
    if ab:
        off, on = float(ab["p95_off_ms"]), float(ab["p95_on_ms"])
        rows += [
            row(
                "reply POST p95, notifications off / on (1,000 subscribers), interleaved",
                f"{off:.1f} / {on:.1f} ms (replies/s {ab['replies_per_s_off']} / "
                f"{ab['replies_per_s_on']})",
                "on ≤ off",
                on / off,
            ),
            row("A/B: lost / duplicated, one task per reply", ab["problems"], "0"),
        ]
    print("\n== one task enqueued: django-tasks-db's enqueue and the site's (bench/enqueue.py)")
    enqueue = script_figures("enqueue.py")
    if enqueue:
        rows.append(
            row(
                "enqueue one task, CPU: django-tasks-db's / the site's backend",
                f"{enqueue['library_cpu_us']} / {enqueue['site_cpu_us']} µs",
            )
        )
    print("\n== the spam filter's share of a reply POST's CPU (bench/reply_profile.py)")
    profile = script_figures("reply_profile.py")
    if profile:
        share = float(profile["filter_share"])
        rows.append(
            row(
                "spam screening (rules + filter score + evidence) CPU per reply POST",
                f"{profile['filter_ms']} of {profile['cpu_ms']} ms = {share:.1%}",
                "≤ 10 %",
                share / 0.10,
            )
        )
    print("\n== reply latency with and without the spam filter (bench/spam_ab.py, A/B)")
    spam_ab = script_figures("spam_ab.py")
    if spam_ab:
        off, on = float(spam_ab["p95_off_ms"]), float(spam_ab["p95_on_ms"])
        rows += [
            row(
                "reply POST p95, spam filter off / on, interleaved",
                f"{off:.1f} / {on:.1f} ms (replies/s {spam_ab['replies_per_s_off']} / "
                f"{spam_ab['replies_per_s_on']})",
                "on ≤ 1.10 × off",
                on / off / 1.10,
            ),
            row("spam A/B: lost / duplicated, every reply scored", spam_ab["problems"], "0"),
        ]
    print("\n== 10,000 spam rules on the write path (bench/spam_rules.py)")
    rules = script_figures("spam_rules.py")
    if rules:
        rows.append(
            row(
                "rule check, 10,000 rules: typical / 10,000-character / matching comment",
                f"{rules['typical_ms']} / {rules['long_ms']} / {rules['matching_ms']} ms, 1 query",
            )
        )
    print("\n== notification mail (bench/notifications.py, 1,000 subscribers)")
    notify = script_figures("notifications.py")
    if notify:
        best = max(float(notify["mails_per_s_1"]), float(notify["mails_per_s_2"]))
        needed = 5 * reply["replies_per_s"]
        rows += [
            row(
                "comment write path, post with 0 / 1,000 subscribers: SQL statements",
                f"{notify['write_queries_none']} / {notify['write_queries_busy']}",
                "equal",
            ),
            row(
                "one comment to 1,000 subscribers, to a local SMTP sink: 1 / 2 workers",
                f"{notify['delivered_s_1']} s ({notify['mails_per_s_1']} mails/s) / "
                f"{notify['delivered_s_2']} s ({notify['mails_per_s_2']} mails/s)",
                f"≥ 5 × {reply['replies_per_s']:.0f} replies/s = {needed:,.0f} mails/s",
                needed / best,
            ),
            row(
                "notification mails duplicated, missing or to the author",
                notify["problems"],
                "0",
            ),
        ]
    print("\n== search over 100,000 comments against a post page (bench/search.py)")
    found = script_figures("search.py", "--comments", "100000")
    if found:
        slowest, page = float(found["search_ms"]), float(found["post_ms"])
        rows += [
            row(
                "search page, 100,000 comments: slowest query median / cold post page",
                f"{slowest:.1f} ms / {page:.1f} ms",
                "search ≤ post page, ≤ 100 ms",
                max(slowest / page, slowest / 100),
            ),
            row("SQL queries, search page", found["queries"], "≤ 4", int(found["queries"]) / 4),
        ]
    print("\n== every page at scale (bench/scale.py, 100,000 comments on 1,000 posts)")
    scale = script_figures("scale.py", "--comments", "100000", "--posts", "1000")
    if scale:
        rows += [
            row("slowest public page at 100,000 comments, cold", f"{scale['public_max_ms']} ms",
                "≤ 50 ms", float(scale["public_max_ms"]) / 50),
            row("slowest admin page at 100,000 comments, cold", f"{scale['admin_max_ms']} ms",
                "≤ 300 ms", float(scale["admin_max_ms"]) / 300),
            row("reply p95 into a 10,000-comment imported tree / an ordinary thread",
                f"{scale['reply_big_p95_ms']} / {scale['reply_small_p95_ms']} ms", "≤ 50 ms",
                float(scale["reply_big_p95_ms"]) / 50),
        ]  # fmt: skip
    print("\n== faults: Redis stopped, Redis stalled, PostgreSQL stopped (bench/faults.py)")
    faults = script_figures("faults.py")
    if faults:
        recovery = float(faults["worst_recovery_s"])
        rows += [
            row(
                "faults under 4 posting clients: lost / duplicated / 5xx but 503 / 503 losing text",
                f"{faults['lost']} / {faults['duplicated']} / {faults['other_5xx']} / "
                f"{faults['unkept_503']} (of {faults['attempts']} POSTs, {faults['kept_503']} "
                "answered 503 with the text kept)",
                "0 / 0 / 0 / 0",
            ),
            row("slowest recovery after a fault, no app restart", f"{recovery:.2f} s", "< 2 s",
                recovery / 2),
        ]  # fmt: skip
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    text = f"{table(rows)}\n\nRun {stamp} on {machine()}; load average at the end {load}."
    print(f"\n{text}")
    if args.write_readme:
        write_readme(text)
        print(f"\nwritten to {README}")


if __name__ == "__main__":
    main()
