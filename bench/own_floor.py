"""A floor over the page's own people (the reading pages' floor; `bench.py`'s default).

The other floors replay a sample of 32 captured requests: over all of them
at once (each backend rotates through dozens of prepared copies of the same
statements, about a third slower), or one request per pool connection (8
people whose rows stay hot, where the page is measured over 1,000). This
floor replays the page's statements once prepared, with each transaction's
parameters read from a table of the page's own requests (`\\gset`), so it
runs the statements as Inflow does over the people the page is measured on.
The read of the parameters is measured alone, in slices of its own between
the floor's, and its cost taken off: seconds of the machine per floor
transaction = 1 / (floor with the read) - 1 / (the read alone).
"""

import collections
import csv
import os
import re
import sys
import time

import bench as b


def capture_all(cluster, db, lines, session_sql):
    """Every request's statements, in order: the requests run once to warm
    plans and caches, then again with log_statement = all, and the log is
    split at each request's first statement (the session lookup, or on
    Today the session with the page's state), which every request runs first."""
    path = cluster.csv_log()
    server = b.Server(cluster, db, b.CAPTURE_PORT, 4, worker=False)
    try:
        for method, p, token, body, _ in lines:
            b.fetch(b.CAPTURE_PORT, method, p, token, body)
        cluster.psql(db, "ALTER SYSTEM SET log_statement = 'all'", "SELECT pg_reload_conf()")
        time.sleep(0.5)
        start = os.path.getsize(path)
        for method, p, token, body, _ in lines:
            status = b.fetch(b.CAPTURE_PORT, method, p, token, body)
            if status != 200:
                sys.exit(f"{method} {p} answered {status} during capture")
        time.sleep(1)
    finally:
        cluster.psql(db, "ALTER SYSTEM RESET log_statement", "SELECT pg_reload_conf()")
        server.stop()
    with open(path, newline="") as f:
        f.seek(start)
        rows = [r for r in csv.reader(f) if len(r) > 22 and r[2] == db and r[22] != "psql"]
    requests = []
    for s in (b.parse_statement(r) for r in rows):
        if s and s[0] == session_sql:
            requests.append([])
        if s and requests:
            requests[-1].append(s)
    if len(requests) != len(lines):
        sys.exit(f"captured {len(requests)} requests of {len(lines)}")
    return requests


def unquote(v):
    return v[1:-1].replace("''", "'")


def scripts(cluster, db, workdir, page, requests):
    """(the floor's script, the read's script), each as (file, -D values),
    over the page's most common statement sequence, which must cover at
    least 90 % of the requests. Parameters that differ between requests go
    into an unlogged table `bench_floor_<page>`, one row per request."""
    shapes = collections.Counter(tuple(sql for sql, _ in r) for r in requests)
    shape, n = shapes.most_common(1)[0]
    if n < 0.9 * len(requests):
        sys.exit(f"{page}: the requests run {len(shapes)} different statement sequences")
    chosen = [r for r in requests if tuple(sql for sql, _ in r) == shape]
    keys = sorted({(j, k) for r in chosen for j, (_, ps) in enumerate(r) for k in ps})
    varying = []
    for j, k in keys:
        values = [r[j][1].get(k) for r in chosen]
        if len(set(values)) > 1:
            if any(v is None or v == "NULL" for v in values):
                sys.exit(f"{page}: statement {j}'s ${k} is NULL in some requests only")
            varying.append((j, k))
    columns = [f"c_{j}_{k}" for j, k in varying]
    table = f"bench_floor_{page}"
    tsv = os.path.join(workdir, f"{table}.tsv")
    with open(tsv, "w") as out:
        for i, r in enumerate(chosen, 1):
            cells = [unquote(r[j][1][k]) for j, k in varying]
            esc = [c.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") for c in cells]
            out.write("\t".join([str(i)] + esc) + "\n")
    cluster.psql(db, f"DROP TABLE IF EXISTS {table}",
                 f"CREATE UNLOGGED TABLE {table} (k int PRIMARY KEY"
                 + "".join(f", {c} text" for c in columns) + ")",
                 f"\\copy {table} FROM '{tsv}'", f"ANALYZE {table}")
    defines = {}

    def bind(j, sql, params):
        def one(m):
            k = int(m.group(1))
            if (j, k) in varying:
                return f":c_{j}_{k}"
            v = params.get(k)
            if v is None or v == "NULL":
                return v or m.group(0)
            defines[f"k_{j}_{k}"] = unquote(v)
            return f":k_{j}_{k}"
        return re.sub(r"\$(\d+)", one, sql)

    read = [f"\\set k random(1, {len(chosen)})"]
    if columns:
        read.append(f"SELECT {', '.join(columns)} FROM {table} WHERE k = :k \\gset")
    else:
        read.append(f"SELECT k FROM {table} WHERE k = :k;")
    body = [bind(j, sql, params).strip().rstrip(";") + ";" for j, (sql, params) in enumerate(chosen[0])]
    files = []
    for name, lines in (("floor", read + body), ("read", read)):
        f = os.path.join(workdir, f"{page}-own-{name}.sql")
        with open(f, "w") as out:
            out.write("\n".join(lines) + "\n")
        files.append((f, dict(defines) if name == "floor" else {}))
    b.log(f"  {page}: own floor over {len(chosen)} of {len(requests)} requests, "
          f"{len(columns)} parameters per request read from {table}")
    return files[0], files[1]


def floor_rate(with_read, read):
    """The floor's transactions a second, the read's cost taken off."""
    if with_read >= read:
        sys.exit(f"the read alone ({read:.0f}/s) was no faster than the floor with it ({with_read:.0f}/s)")
    return 1 / (1 / with_read - 1 / read)
