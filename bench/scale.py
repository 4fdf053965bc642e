"""Today at two sizes of organisation, in alternating slices (`--compare`).

Per-learner work must not grow with the organisation: Today's requests a
second on the `--learners` dataset over the same page on the `--compare`
one should be 0.8 or more. Until the twentieth session the smaller dataset
ran on its own after the whole main run, half an hour later, and a machine
whose speed drifted in between moved the ratio with it (1.40 in one run).
Now each round starts a server on each dataset, on two ports, warms both
up, then loads them in turns, in the slices of `bench.SLICE_ORDER` (P the
larger dataset, F the smaller), so that a phase of the machine weighs on
both alike. Only one is loaded at a time; the other sits idle, its worker
ticking as in production. The ratio is each round's, the report gives
their median and range.
"""

import bench as b

# The server on the smaller dataset, next to bench.PORT's.
SCALE_PORT = 3102


def rate(slices):
    """Requests a second over the slices, with p50 and p99 merged from them."""
    requests = sum(s["requests"] for s in slices)
    return {
        "rps": requests / sum(s["seconds"] for s in slices),
        "p50_ms": b.merged_percentile(slices, 50),
        "p99_ms": b.merged_percentile(slices, 99),
        "errors": sum(s["wrong_status"] + s["socket_errors"] for s in slices),
        "rss_mib": max(s["rss_mib"] for s in slices),
    }


def alternate(args, first, second):
    """One round of two servers in turns. Each of `first` and `second` is
    (a function starting its server, rotate.lua's file, the expected
    status): both are started, warmed up, then loaded in turns in the
    slices of `bench.SLICE_ORDER` (P the first, F the second), and stopped.
    Returns each one's `rate`."""
    servers = []
    try:
        for start, _, _ in (first, second):
            servers.append(start())
        for server, (_, path, expected) in zip(servers, (first, second)):
            b.run_wrk(args, "today", path, expected, args.warmup, server)
        slice_s = max(1, round(args.duration / b.SLICE_ORDER.count("P")))
        slices = {"P": [], "F": []}
        for turn in b.SLICE_ORDER:
            k = 0 if turn == "P" else 1
            _, path, expected = (first, second)[k]
            slices[turn].append(b.run_wrk(args, "today", path, expected, slice_s, servers[k]))
    finally:
        for server in servers:
            server.stop()
    return rate(slices["P"]), rate(slices["F"])


def today_server(cluster, args, data, port):
    """Starts Inflow on `data` with no plans yet (Today's warm-up builds them)."""
    def start():
        cluster.psql(data.db, "TRUNCATE learner_plans")
        return b.Server(cluster, data.db, port, args.pool)
    return start


def measure_round(cluster, args, big, small, files):
    """One round: a fresh server on each dataset, then the slices in turn."""
    expected = b.PAGES["today"][1]
    big_rate, small_rate = alternate(
        args, (today_server(cluster, args, big, b.PORT), files[0], expected),
        (today_server(cluster, args, small, SCALE_PORT), files[1], expected))
    return {"big": big_rate, "small": small_rate, "ratio": big_rate["rps"] / small_rate["rps"]}


def compare(cluster, args, big, small):
    """Today on `big` over Today on `small` (both `bench.Dataset`s), over
    --rounds rounds."""
    files = (big.today_file(args), small.today_file(args))
    rounds = []
    for k in range(args.rounds):
        r = measure_round(cluster, args, big, small, files)
        rounds.append(r)
        b.log(f"  today at {big.learners} / {small.learners}  round {k + 1}: "
              f"{r['big']['rps']:>6.0f} / {r['small']['rps']:.0f} req/s = {r['ratio']:.2f}")
    ratios = [r["ratio"] for r in rounds]
    out = {
        "learners": small.learners,
        "rounds": rounds,
        "ratio": b.median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
        "big_rps": b.median([r["big"]["rps"] for r in rounds]),
        "small_rps": b.median([r["small"]["rps"] for r in rounds]),
        "errors": sum(r[k]["errors"] for r in rounds for k in ("big", "small")),
    }
    b.log(f"  today at {big.learners} / {small.learners}  {out['big_rps']:.0f} / {out['small_rps']:.0f} "
          f"req/s, ratio {out['ratio']:.2f}  errors {out['errors']}  (median of {len(rounds)})")
    return out


def report_line(main, out):
    """The report's line for the comparison."""
    lo, hi = out["ratio_range"]
    spread = f" ({lo:.2f}–{hi:.2f})" if len(out["rounds"]) > 1 else ""
    return (f"Today at {main['learners']} learners vs {out['learners']}, in alternating slices: "
            f"{out['big_rps']:.0f} / {out['small_rps']:.0f} req/s = {out['ratio']:.2f}{spread} "
            f"(median of the rounds' ratios); errors {out['errors']}.")
