#!/usr/bin/env python3
"""The database's CPU time per execution of SQL statements, to compare
variants of a page's statement (twenty-first session).

Each file holds one statement with `$1`, `$2`, ... as Inflow binds them; the
values are the lines of a file beside it with the same name and `.params`
in place of `.sql`. Each statement runs on its own in a single-client
`pgbench -M prepared` (the same values every time, so the same rows), and
its backend's CPU time is read from `/proc/<pid>/schedstat` until it ends:
the time the database spent, whatever else the machine did meanwhile.
The files run in turns, `--rounds` times; the report gives each one's
median and range in microseconds per execution. Start the bench cluster
first (bench.py leaves it running). Example:

    bench/statement_cpu.py --db bench_100000 old.sql new.sql
"""

import argparse
import os
import re
import subprocess
import time


def bind(sql_path):
    """The statement with pgbench's variables in place of `$n`, and their values."""
    with open(sql_path) as f:
        sql = " ".join(f.read().split())
    params_path = os.path.splitext(sql_path)[0] + ".params"
    with open(params_path) as f:
        values = [v for v in f.read().split("\n") if v]
    # From the highest number down, so that $1 does not eat into $10.
    for n in range(len(values), 0, -1):
        sql = sql.replace(f"${n}", f":p{n}")
    return sql + ";\n", values


def backend_pid(args, known, proc):
    """The pid of the pgbench connection's backend (not one of `known`), or
    None when pgbench (`proc`) ended first."""
    query = "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'"
    while proc.poll() is None:
        out = subprocess.run(["psql", "-h", args.dir, "-U", "postgres", "-d", args.db, "-XAtq",
                              "-c", query], capture_output=True, text=True).stdout.split()
        fresh = [int(p) for p in out if int(p) not in known]
        if fresh:
            return fresh[0]
        time.sleep(0.005)
    return None


def cpu_ns(pid):
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def run(args, sql_path, known):
    """Microseconds of backend CPU per execution of the statement in `sql_path`."""
    sql, values = bind(sql_path)
    script = os.path.join(args.workdir, "statement_cpu.sql")
    with open(script, "w") as f:
        f.write(sql)
    defines = [a for n, v in enumerate(values, 1) for a in ("-D", f"p{n}={v}")]
    cmd = ["pgbench", "-h", args.dir, "-n", "-c", "1", "-M", "prepared", "-t", str(args.n),
           *defines, "-f", script, args.db]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # Each backend's CPU time since it started, read until it ends (pgbench
    # may open a short connection before its client's): their start-up, a
    # few milliseconds, is in it, under 1 % at the default --n.
    used = None
    while (pid := backend_pid(args, known, p)) is not None:
        known.add(pid)
        last = None
        while True:
            try:
                last = cpu_ns(pid)
            except OSError:
                break
            time.sleep(0.002)
        if last is not None:
            used = (used or 0) + last
    out = p.communicate()[0]
    done = re.search(r"number of transactions actually processed: (\d+)/", out)
    if p.returncode != 0 or used is None or not done or int(done.group(1)) != args.n:
        raise SystemExit(f"{sql_path}: pgbench failed, or ended before its backend was found "
                         f"(raise --n)\n{out}")
    return used / args.n / 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="SQL files, each with a .params file beside it")
    ap.add_argument("--dir", default=os.environ.get("INFLOW_BENCH_DIR", "/var/tmp/inflow-bench"),
                    help="the bench cluster's folder (its socket directory)")
    ap.add_argument("--db", default="bench_100000")
    ap.add_argument("--n", type=int, default=8000, help="executions per run")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    args.workdir = os.path.join(args.dir, "statement-cpu")
    os.makedirs(args.workdir, exist_ok=True)
    os.chmod(args.workdir, 0o755)
    known = set()
    runs = {f: [] for f in args.files}
    for _ in range(args.rounds):
        for f in args.files:
            runs[f].append(run(args, f, known))
    for f, us in runs.items():
        us.sort()
        print(f"{f}: {us[len(us) // 2]:.1f} µs of backend CPU an execution "
              f"({us[0]:.1f}–{us[-1]:.1f}, {len(us)} runs of {args.n})")


if __name__ == "__main__":
    main()
