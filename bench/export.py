"""Benchmark export_archive against the importer reading the same file, in one run.

    python bench/export.py [--comments 100000] [--posts 100] [--rounds 3]

Fills the bench database (``BENCH_DATABASE_URL``; emptied first: it belongs to the
benchmarks) with a generated WXR export of ``--comments`` comments (``bench/import.py``'s
generator: threads up to 10 levels, ~300-character bodies), then, ``--rounds`` times,
interleaved: ``manage.py export_archive OUT --include-spam --with-personal-data`` in a child
process, and the importer's parser reading OUT in another. Each child reports its own time for
the work (not Python's start-up) and its peak memory (VmHWM). Prints the
medians; the last line is machine-readable: ``export_per_s=… read_per_s=… export_peak_mib=…
comments=…``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child_export(path: str) -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("export_archive", path, "--include-spam", "--with-personal-data", verbosity=0)
    print(f"seconds={time.perf_counter() - started:.4f} peak_mib={peak_rss_mib():.1f}")


def child_read(path: str) -> None:
    from blogapp.importers import parse

    started = time.perf_counter()
    comments = sum(len(post.comments) for post in parse(path, "wxr"))
    print(
        f"seconds={time.perf_counter() - started:.4f} comments={comments} "
        f"peak_mib={peak_rss_mib():.1f}"
    )


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM starts again at exec; the kernel's
    ru_maxrss of a child would still count the parent it was forked from)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_child(role: str, path: Path) -> tuple[float, float, str]:
    """(seconds and peak RSS in MiB the child reports, its output) for one child."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", role, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"{role} child failed ({result.returncode}): {result.stdout}{result.stderr}")
    figures = dict(part.split("=", 1) for part in result.stdout.split())
    return float(figures["seconds"]), float(figures["peak_mib"]), result.stdout


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "0")  # no query log growing in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogapp.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("ROLE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench.common import DEFAULT_BENCH_DATABASE_URL, ensure_database

    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", DEFAULT_BENCH_DATABASE_URL
    )
    if args.child:
        setup(url)
        role, path = args.child
        {"export": child_export, "read": child_read}[role](path)
        return

    ensure_database(url)
    setup(url)
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.common import reset_database
    from blogapp.importers import parse
    from blogapp.importers.loader import Loader
    from comments.models import Comment

    if connection.vendor != "postgresql":
        sys.exit("bench/export.py needs PostgreSQL (BENCH_DATABASE_URL)")
    call_command("migrate", verbosity=0)
    reset_database()
    generator = importlib.import_module("bench.import")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source.xml"
        started = time.perf_counter()
        generator.generate_wxr(source, generator.plan_comments(args.comments, args.posts, 10))
        with transaction.atomic():
            Loader().load(parse(source, "wxr"))
        source.unlink()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE comments_comment, blogapp_post")
        stored = Comment.objects.count()
        print(f"site of {stored:,} comments ready in {time.perf_counter() - started:.1f} s")

        out = Path(tmp) / "export.xml"
        exports, reads, peaks = [], [], []
        for round_number in range(1, args.rounds + 1):
            seconds, peak, _output = run_child("export", out)
            exports.append(seconds)
            peaks.append(peak)
            read_seconds, read_peak, output = run_child("read", out)
            reads.append(read_seconds)
            assert f"comments={stored}" in output, output
            print(
                f"round {round_number}: export {seconds:.2f} s (peak {peak:.0f} MiB, "
                f"{out.stat().st_size / 2**20:.0f} MiB written); importer reads it in "
                f"{read_seconds:.2f} s (peak {read_peak:.0f} MiB)"
            )
    export_s, read_s = statistics.median(exports), statistics.median(reads)
    print(
        f"median of {args.rounds}: export {stored / export_s:,.0f} comments/s, "
        f"importer reading the export {stored / read_s:,.0f} comments/s "
        f"(export/read time {export_s / read_s:.2f}); export peak {max(peaks):.0f} MiB"
    )
    reset_database()
    print(
        f"export_per_s={stored / export_s:.0f} read_per_s={stored / read_s:.0f} "
        f"export_peak_mib={max(peaks):.0f} comments={stored}"
    )


if __name__ == "__main__":
    main()
