"""Reply latency with and without the spam filter, A/B in one sitting.

    python bench/spam_ab.py [--rounds 4] [--seconds 15]

Runs ``reply_load.py`` (8 clients, back to back, a 10,000-comment post, a trained model of
~150,000 features: ``bench.common.seed_spam_model``) alternately with
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

from bench.common import percentile, setup_django


def arm(enabled, seconds):
    from bench import reply_load

    os.environ["COMMENTS_SPAM_FILTER_ENABLED"] = "1" if enabled else "0"
    captured = {}
    original = reply_load.Results

    class Keeping(original):  # keeps every latency for pooling across runs
        def __init__(self):
            super().__init__()
            captured["results"] = self

    reply_load.Results = Keeping
    try:
        result = reply_load.run(8, seconds, 10_000)
    finally:
        reply_load.Results = original
    from comments.models import Comment

    scored = Comment.objects.filter(spam_score__isnull=False).count()
    return result, captured["results"].post_ms, scored


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args(argv)
    setup_django()
    pooled = {False: [], True: []}
    rates = {False: [], True: []}
    problems = 0
    for round_no in range(args.rounds):
        # A B, then B A: neither arm always runs second.
        for enabled in (False, True) if round_no % 2 == 0 else (True, False):
            result, latencies, scored = arm(enabled, args.seconds)
            pooled[enabled] += latencies
            rates[enabled].append(result["replies_per_s"])
            name = "B filter on " if enabled else "A filter off"
            print(f"round {round_no + 1} {name}: {result['replies_per_s']:.1f} replies/s, "
                  f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
                  f"{scored} of {result['replies']} replies scored")  # fmt: skip
            problems += result["lost"] + result["duplicated"] + result["misplaced"]
            # Every reply scored with the filter on, none with it off.
            problems += int(scored != result["replies"] if enabled else scored > 0)
    off, on = (percentile(pooled[flag], 0.95) for flag in (False, True))
    rate_off, rate_on = (sum(rates[flag]) / len(rates[flag]) for flag in (False, True))
    print(f"pooled reply POST p95: off {off:.1f} ms, on {on:.1f} ms, on/off {on / off:.2f}; "
          f"replies/s off {rate_off:.1f}, on {rate_on:.1f}")  # fmt: skip
    print(f"p95_off_ms={off:.1f} p95_on_ms={on:.1f} ratio={on / off:.2f} "
          f"replies_per_s_off={rate_off:.1f} replies_per_s_on={rate_on:.1f} "
          f"problems={problems}")  # fmt: skip
    return {"p95_off": off, "p95_on": on, "rate_off": rate_off, "rate_on": rate_on,
            "problems": problems}  # fmt: skip


if __name__ == "__main__":
    main()
