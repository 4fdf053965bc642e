"""The issue's yardstick in the same run as Inflow's pages.

Issue 9 set its goals from a page measured on this machine: "a minimal axum
+ sqlx + askama page that runs 4 indexed queries over a 1-million-row table
serves about 4,200-4,600 requests a second (p99 about 20 ms) with a pool of
8 connections". The machine's speed drifts by a factor of two from one
session to the next (BENCHMARKS.md), and the goals in requests a second
and milliseconds drift with it; the shares of the floor do not. So each run
that measures Today also measures that page (`--no-reference` skips it): the bare
server's `/reference/{n}` (`bench/bare/src/reference.rs`: four primary-key
lookups in `bench_reference`, 1,000,000 rows made here once, an askama
template, sqlx's own pool of 8), in turns with Inflow's Today, each round a
fresh server of each, in the slices of `bench.SLICE_ORDER`. The report
gives both, so a reader can tell whether the machine was where the issue's
figures came from.

Since the twenty-first session the reference page is also measured against
its own floor, as Inflow's pages are: its four statements replayed by
pgbench at the pool's concurrency, in alternating slices with the page
(`floor_share`). A page whose statements are cheap spends a larger part of
each request on the HTTP exchange and its round trips to the database, so
its share of the floor is lower; this gives the share the minimal stack
itself reaches.
"""

import os
import random
import subprocess

import bench as b
import scale

BARE = os.path.join(b.ROOT, "bench", "bare")
BARE_BIN = os.path.join(BARE, "target", "release", "bare")
ROWS = 1_000_000  # reference.rs's ROWS


def build():
    """The bare server, built as calibrate.py builds it."""
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=BARE, check=True)


def ensure_table(cluster, db):
    """`bench_reference`: 1,000,000 rows with a primary key, made once."""
    cluster.psql(db, "SET client_min_messages = warning",
                 "CREATE TABLE IF NOT EXISTS bench_reference "
                     "(id int PRIMARY KEY, title text NOT NULL, body text NOT NULL, n int NOT NULL)",
                 "INSERT INTO bench_reference (id, title, body, n) "
                 f"SELECT g, 'Row ' || g, repeat(md5(g::text), 3), g % 997 FROM generate_series(1, {ROWS}) g "
                 "WHERE NOT EXISTS (SELECT 1 FROM bench_reference)",
                 "VACUUM ANALYZE bench_reference")


class Bare(b.Server):
    """The bare server on sqlx's own pool, started like Inflow's."""

    def __init__(self, cluster, db, port):
        env = dict(os.environ, DATABASE_URL=cluster.url(db), PORT=str(port), BARE_POOL="sqlx")
        env.pop("BARE_PARTS", None)
        self.launch([BARE_BIN], env, port)


def lines_file(data, args):
    """rotate.lua's file for the reference page: --requests random rows."""
    rng = random.Random(11)
    path = os.path.join(data.workdir, "reference.tsv")
    with open(path, "w") as f:
        for _ in range(args.requests):
            f.write(f"GET\t/reference/{rng.randrange(ROWS)}\t-\t\n")
    return path


def floor_script(data):
    """pgbench's script of the reference page's statements: the four rows of
    `reference.rs`'s `ids` for a random request number (each id worked out
    in the statement from the number, where the bare server binds it)."""
    path = os.path.join(data.workdir, "reference-floor.sql")
    with open(path, "w") as f:
        f.write(f"\\set n random(0, {ROWS - 1})\n")
        for k in range(4):
            f.write("SELECT id, title, body, n FROM bench_reference "
                    f"WHERE id = (:n + {k} * 250007) % {ROWS} + 1;\n")
    return path


def floor_share(cluster, args, data, reference):
    """The reference page against its own floor, over --rounds rounds (each
    as `bench.measure_interleaved` measures a page of Inflow's)."""
    script = floor_script(data)
    rounds = []
    for k in range(args.rounds):
        r = b.measure_interleaved(cluster, data.db, args, "reference", reference, 200, [(script, {})],
                                  data.workdir, start=lambda: Bare(cluster, data.db, scale.SCALE_PORT))
        rounds.append({key: r[key] for key in ("rps", "p99_ms", "floor_rps", "share")})
        b.log(f"  reference and its floor  round {k + 1}: {r['rps']:>6.0f} req/s, floor {r['floor_rps']:.0f}/s, "
              f"share {r['share']:.0%}")
    return rounds


def compare(cluster, args, data):
    """Today on `data` (a `bench.Dataset`) and the reference page, in turns,
    over --rounds rounds."""
    build()
    ensure_table(cluster, data.db)
    today = data.today_file(args)
    reference = lines_file(data, args)
    rounds = []
    for k in range(args.rounds):
        mine, theirs = scale.alternate(
            args, (scale.today_server(cluster, args, data, b.PORT), today, b.PAGES["today"][1]),
            (lambda: Bare(cluster, data.db, scale.SCALE_PORT), reference, 200))
        rounds.append({"today": mine, "reference": theirs})
        b.log(f"  today / reference  round {k + 1}: {mine['rps']:>6.0f} req/s p99 {mine['p99_ms']:.1f} ms"
              f" / {theirs['rps']:.0f} req/s p99 {theirs['p99_ms']:.1f} ms")
    out = {"rounds": rounds, "floor_rounds": floor_share(cluster, args, data, reference)}
    shares = [r["share"] for r in out["floor_rounds"]]
    out["floor_share"] = b.median(shares)
    out["floor_share_range"] = [min(shares), max(shares)]
    for side in ("today", "reference"):
        for key in ("rps", "p50_ms", "p99_ms"):
            vals = [r[side][key] for r in rounds]
            out[f"{side}_{key}"] = b.median(vals)
            out[f"{side}_{key}_range"] = [min(vals), max(vals)]
    out["errors"] = sum(r[side]["errors"] for r in rounds for side in ("today", "reference"))
    return out


def report_line(out):
    def fig(side, key, fmt):
        lo, hi = out[f"{side}_{key}_range"]
        spread = f" ({fmt.format(lo)}–{fmt.format(hi)})" if len(out["rounds"]) > 1 else ""
        return fmt.format(out[f"{side}_{key}"]) + spread
    return ("The issue's reference page (four indexed lookups in 1,000,000 rows, askama, sqlx's pool of 8; "
            "4,200–4,600 req/s, p99 about 20 ms when the issue was written), in turns with Today: "
            f"{fig('reference', 'rps', '{:.0f}')} req/s, p99 {fig('reference', 'p99_ms', '{:.1f}')} ms; "
            f"Today in the same slices {fig('today', 'rps', '{:.0f}')} req/s, p99 {fig('today', 'p99_ms', '{:.1f}')} ms; "
            f"errors {out['errors']}. The reference page against its own floor (its four statements by pgbench): "
            f"{fig('floor', 'share', '{:.0%}')} of it.")
