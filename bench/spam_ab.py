"""Reply latency with and without the spam filter, A/B in one sitting.

    python bench/spam_ab.py [--rounds 4] [--seconds 15]

Runs ``reply_load.py`` (8 clients, back to back, a 10,000-comment post, a trained model of
~100,000 features: ``bench.common.seed_spam_model``) alternately with
``COMMENTS_SPAM_FILTER_ENABLED`` off (A: no scoring) and on (B: every reply scored, its
evidence stored), interleaved A B B A A B… so both arms share the machine's state and
neither always runs second. The moderators' rules run in both arms (an empty table).
Prints each run, then the pooled p95 of each arm and their ratio; the last line is
machine-readable (``key=value``) for bench/run_all.py.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ab import interleave, reply_load_latencies
from bench.common import setup_django


def arm(enabled, seconds):
    """One run; its note says how many replies were scored (all when on, none when off)."""
    os.environ["COMMENTS_SPAM_FILTER_ENABLED"] = "1" if enabled else "0"
    result, latencies = reply_load_latencies(8, seconds, 10_000)
    from comments.models import Comment

    scored = Comment.objects.filter(spam_score__isnull=False).count()
    problems = int(scored != result["replies"] if enabled else scored > 0)
    return result, latencies, f"{scored} of {result['replies']} replies scored", problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args(argv)
    setup_django()
    return interleave(
        args.rounds, lambda enabled: arm(enabled, args.seconds), ("A filter off", "B filter on ")
    )


if __name__ == "__main__":
    main()
