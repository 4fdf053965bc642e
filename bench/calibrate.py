#!/usr/bin/env python3
"""Calibration: how close to its floor can a bare axum + sqlx server bring
the library search or the goal page? Runs bench.py's rounds of one page with
the server alternating round by round between Inflow and bench/bare (the
page's statements, no layers, no templates), on the same data, requests and
floor. Each round's log line says which server it measured.

    bench/calibrate.py                  # search, 6 rounds, bare with Inflow's kind of pool
    bench/calibrate.py --pages goal     # the goal page
    BARE_POOL=sqlx bench/calibrate.py   # bare on sqlx's own pool

Arguments go to bench.py (defaults: --pages search --rounds 6 --compare 0).
Needs the production build and the seeded data (bench/run.sh once)."""
import json
import os
import re
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

BARE = os.path.join(HERE, "bare")
BARE_BIN = os.path.join(BARE, "target", "release", "bare")
CARD = '<article class="card item-card">'
Inflow = bench.Server
started = [0]


PAGES = ("search", "goal")
page_of = ["search"]


def cuts(page, name):
    """Where the request's own text goes in Inflow's page: the (start, end)
    spans the bare server writes itself, in order."""
    if name == "search":
        return [(page.index(CARD), page.rindex("</article>") + len("</article>\n"))]
    h1 = page.index("<h1>")
    after = min(i for i in (page.find("<section", h1), page.find("<form", h1)) if i >= 0)
    spans = [(h1, after)]
    for opening, closing in (('<ul class="links">', "</ul>"),
                             ('<select id="reflection_id" name="reflection_id">', "</select>"),
                             ('<ol class="timeline">', "</ol>")):
        at = page.find(opening, spans[-1][1])
        if at < 0:  # not on the first request's page: an empty span
            spans.append((spans[-1][1], spans[-1][1]))
        else:
            start = at + len(opening)
            spans.append((start, page.index(closing, start)))
    return spans


def page_parts(cluster, db, workdir):
    """Inflow's own page for the first request the harness rotates through,
    fetched from Inflow before each of the bare server's rounds, in pieces
    around the request's own text (`cuts`), separated by NUL."""
    name = page_of[0]
    parts = os.path.join(workdir, f"bare-{name}.parts")
    with open(os.path.join(workdir, f"{name}.tsv")) as f:
        _, path, token, _ = f.readline().rstrip("\n").split("\t")
    server = Inflow(cluster, db, bench.CAPTURE_PORT, 2, worker=False)
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{bench.CAPTURE_PORT}{path}")
        req.add_header("Cookie", f"inflow_session={token}")
        with urllib.request.urlopen(req, timeout=10) as r:
            page = r.read().decode()
    finally:
        server.stop()
    pieces, at = [], 0
    for start, end in cuts(page, name):
        pieces.append(page[at:start])
        at = end
    pieces.append(page[at:])
    with open(parts, "w") as f:
        f.write("\0".join(pieces))
    return parts


# A statement of the bare server's: its doc line names the Inflow source and
# function it is copied from, and the SQL is a raw string constant.
BARE_SQL = re.compile(r'///\s*`(src/[^`]+\.rs)`, `(\w+)`\.\s*\nconst (\w+): &str = r#"(.*?)"#;', re.S)


def same_sql():
    """The bare server's statements are copies of Inflow's, or the
    calibration compares different work: each must still appear in the source
    file its doc line names (spacing aside)."""
    root = os.path.dirname(HERE)
    words = lambda text: " ".join(text.split())  # noqa: E731
    found = 0
    for name in sorted(os.listdir(os.path.join(BARE, "src"))):
        with open(os.path.join(BARE, "src", name)) as f:
            for path, function, const, sql in BARE_SQL.findall(f.read()):
                found += 1
                with open(os.path.join(root, path)) as g:
                    if words(sql) not in words(g.read()):
                        sys.exit(f"bench/bare/src/{name}: {const} is no longer the SQL of "
                                 f"{function} in {path}; copy it again")
    if found == 0:
        sys.exit("bench/bare: no statements found to check against Inflow's")


class Alternating(Inflow):
    """The harness's server: Inflow for its captures and its cold start, then
    Inflow and bare in turns, one round each."""

    def __init__(self, cluster, db, port, pool, worker=True):
        if not worker:
            return Inflow.__init__(self, cluster, db, port, pool, worker)
        started[0] += 1
        bare = started[0] > 1 and started[0] % 2 == 1
        pool_name = os.environ.get("BARE_POOL", "simple")
        bench.log("  cold start: Inflow" if started[0] == 1 else
                  f"  round's server: {f'bare ({pool_name} pool)' if bare else 'Inflow'}")
        if not bare:
            return Inflow.__init__(self, cluster, db, port, pool, worker)
        # bench_dataset's folder: <--dir>/run-<learners>, the cluster's base.
        workdir = os.path.join(cluster.sock, f"run-{db.rsplit('_', 1)[1]}")
        env = dict(os.environ, DATABASE_URL=cluster.url(db), PORT=str(port),
                   BARE_PARTS=page_parts(cluster, db, workdir))
        self.launch([BARE_BIN], env, port)


def main():
    same_sql()
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=BARE, check=True)
    bench.Server = Alternating
    args = sys.argv[1:]
    for flag, default in (("--pages", "search"), ("--rounds", "6"), ("--compare", "0")):
        if flag not in args:
            args += [flag, default]
    page_of[0] = args[args.index("--pages") + 1]
    if page_of[0] not in PAGES:
        sys.exit(f"the bare server serves one of {', '.join(PAGES)}: pass --pages with one of them")
    sys.argv = [os.path.join(HERE, "bench.py")] + args
    bench.main()
    # bench.py's table takes the medians over all rounds, both servers
    # together; these are each server's own (rounds 1, 3, … Inflow).
    out_dir = args[args.index("--dir") + 1] if "--dir" in args else \
        os.environ.get("INFLOW_BENCH_DIR", "/var/tmp/inflow-bench")
    with open(os.path.join(out_dir, "results.json")) as f:
        pages = json.load(f)["main"]["pages"]
    print("\nEach server's own rounds (the table above mixes them):")
    for page, r in pages.items():
        for name, rounds in (("Inflow", r["rounds"][0::2]), ("bare", r["rounds"][1::2])):
            if rounds:
                shares = ", ".join(f"{x['share']:.0%}" for x in rounds)
                print(f"  {page} {name:<6} share {bench.median([x['share'] for x in rounds]):.0%} "
                      f"({shares}), {bench.median([x['rps'] for x in rounds]):.0f} req/s")


if __name__ == "__main__":
    main()
