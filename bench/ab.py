"""Reply latency A/B in one sitting: ``reply_load.py`` run alternately with a switch off and on.

Shared by ``reply_ab.py`` (notifications) and ``spam_ab.py`` (the spam filter). The arms run
interleaved A B, B A, A B… so both share the machine's state and neither always runs second;
every POST latency is kept and pooled per arm.
"""

from bench.common import percentile


def reply_load_latencies(*args, **kwargs):
    """``reply_load.run(*args, **kwargs)`` and every POST latency it measured (ms)."""
    from bench import reply_load

    captured = {}
    original = reply_load.Results

    class Keeping(original):  # keeps every latency for pooling across runs
        def __init__(self):
            super().__init__()
            captured["results"] = self

    reply_load.Results = Keeping
    try:
        result = reply_load.run(*args, **kwargs)
    finally:
        reply_load.Results = original
    return result, captured["results"].post_ms


def interleave(rounds, arm, names):
    """Run ``arm(enabled)`` -> (result, latencies, note, problems) ``rounds`` times each way.

    Prints each run and the pooled p95 of each arm, then the machine-readable line for
    bench/run_all.py; returns the figures. ``names``: the (off, on) arm labels.
    """
    pooled = {False: [], True: []}
    rates = {False: [], True: []}
    p95s = {False: [], True: []}  # each run's own, to show how far runs of one arm spread
    problems = 0
    for round_no in range(rounds):
        # A B, then B A: neither arm always runs second.
        for enabled in (False, True) if round_no % 2 == 0 else (True, False):
            result, latencies, note, arm_problems = arm(enabled)
            pooled[enabled] += latencies
            rates[enabled].append(result["replies_per_s"])
            p95s[enabled].append(result["p95_ms"])
            print(f"round {round_no + 1} {names[enabled]}: {result['replies_per_s']:.1f} "
                  f"replies/s, p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
                  f"{note}")  # fmt: skip
            problems += result["lost"] + result["duplicated"] + result["misplaced"]
            problems += arm_problems
    off, on = (percentile(pooled[flag], 0.95) for flag in (False, True))
    rate_off, rate_on = (sum(rates[flag]) / len(rates[flag]) for flag in (False, True))
    print(f"pooled reply POST p95: off {off:.1f} ms, on {on:.1f} ms, on/off {on / off:.2f}; "
          f"replies/s off {rate_off:.1f}, on {rate_on:.1f}")  # fmt: skip
    # The noise the pooled ratio sits in: each round's on/off, and the spread of one arm's
    # runs among themselves (highest p95 / lowest).
    per_round = ", ".join(f"{b / a:.2f}" for a, b in zip(p95s[False], p95s[True], strict=True))
    spread = max(p95s[False]) / min(p95s[False])
    print(f"each round's on/off: {per_round}; the off runs' p95 spread {spread:.2f}x")
    print(f"p95_off_ms={off:.1f} p95_on_ms={on:.1f} ratio={on / off:.2f} "
          f"replies_per_s_off={rate_off:.1f} replies_per_s_on={rate_on:.1f} "
          f"problems={problems}")  # fmt: skip
    return {"p95_off": off, "p95_on": on, "rate_off": rate_off, "rate_on": rate_on,
            "problems": problems}  # fmt: skip
