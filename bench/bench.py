#!/usr/bin/env python3
"""Inflow load harness: seed, serve, load with wrk, replay the SQL with pgbench.

Run through bench/run.sh, which installs wrk and builds the production binary.
Standard library only. Everything lives under --dir (a private Postgres
cluster, the sessions files, captured SQL, wrk and pgbench scripts, results).
"""

import argparse
import bisect
import csv
import glob
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INFLOW = os.path.join(ROOT, "target", "production", "inflow")
LUA = os.path.join(ROOT, "bench", "rotate.lua")
PORT = 3100
CAPTURE_PORT = 3101
ITEM_KIND = 4
WORDS = ["feedback", "coaching", "negotiation", "security", "privacy", "writing",
         "meetings", "delegation", "budgeting", "inclusion", "wellbeing", "pricing",
         "hiring", "presenting", "planning", "incident", "mentoring", "conflict",
         "strategy", "storytelling", "safety", "compliance", "accessibility", "research"]

# page -> (method, expected status, who)
PAGES = {
    "today": ("GET", 200, "learner"),
    # Today when no plan is current: the day's first visit (or the first
    # after a change), which builds and saves the plan.
    "today_first": ("GET", 200, "learner"),
    "search": ("GET", 200, "learner"),
    "item": ("GET", 200, "learner"),
    "team": ("GET", 200, "manager"),
    "goal": ("GET", 200, "learner"),
    "done": ("POST", 303, "learner"),
}
# inflow_http_requests_total{method="GET",route="/today",status="200"} 123
METRIC_LINE = re.compile(r'^inflow_http_requests_total\{[^}]*route="([^"]*)"[^}]*status="(\d+)"[^}]*\} (\S+)$')
# The pages the floor over their own people covers: Done draws its item per
# transaction and today_first builds plans, so both keep the sampled floor.
OWN_PAGES = ("today", "search", "item", "team", "goal")
TARGET_RPS = {"today": 3000, "today_first": None, "search": 1500, "item": 1500, "team": 1500, "goal": 1500, "done": 3000}


def log(msg):
    print(msg, flush=True)


def bench_id(kind, n):
    return f"{kind:08x}-0000-7000-8000-{n:012x}"


class Cluster:
    """A private Postgres cluster with durable commits and a CSV statement log."""

    def __init__(self, base):
        self.data = os.path.join(base, "pg")
        self.sock = base
        self.as_postgres = os.geteuid() == 0
        self.bin = self.find_bin()

    @staticmethod
    def find_bin():
        for d in sorted(os.listdir("/usr/lib/postgresql"), reverse=True):
            p = os.path.join("/usr/lib/postgresql", d, "bin")
            if os.path.exists(os.path.join(p, "pg_ctl")):
                return p
        sys.exit("PostgreSQL server binaries not found (run scripts/ensure-postgres.sh)")

    def run(self, *args, check=True, capture=False):
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=check, text=True,
                              stdout=subprocess.PIPE if capture else None)

    def start(self):
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            os.makedirs(self.data, exist_ok=True)
            if self.as_postgres:
                shutil.chown(self.sock, "postgres", "postgres")
                shutil.chown(self.data, "postgres", "postgres")
            self.run(os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres",
                     "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        status = self.run(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "status",
                          check=False, capture=True)
        if status.returncode == 0:
            return
        opts = " ".join([
            "-c listen_addresses=''", f"-c unix_socket_directories='{self.sock}'",
            "-c max_connections=300", "-c shared_buffers=2GB", "-c effective_cache_size=12GB",
            "-c fsync=on", "-c synchronous_commit=on", "-c max_wal_size=8GB",
            "-c checkpoint_timeout=30min", "-c random_page_cost=1.1",
            "-c shared_preload_libraries=pg_stat_statements", "-c pg_stat_statements.track_planning=on",
            "-c logging_collector=on", "-c log_destination=csvlog",
            "-c log_directory=log", "-c log_filename=pg", "-c log_rotation_size=0",
        ])
        self.run(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l",
                 os.path.join(self.data, "server.log"), "-o", opts, "-w", "-t", "120", "start")

    def url(self, db):
        return f"postgresql://postgres@localhost/{db}?host={self.sock}"

    def psql(self, db, *sql):
        cmds = [a for s in sql for a in ("-c", s)]
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                              "-d", self.url(db)] + cmds,
                             check=True, text=True, stdout=subprocess.PIPE)
        return out.stdout.strip()

    def csv_log(self):
        return os.path.join(self.data, "log", "pg.csv")


def seed(cluster, args, learners, tsv):
    db = f"bench_{learners}"
    exists = cluster.psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'")
    if exists and os.path.exists(tsv) and not args.reseed:
        log(f"Dataset {db}: already seeded.")
        return db
    if exists:
        cluster.psql("postgres", f"DROP DATABASE {db}")
    cluster.psql("postgres", f"CREATE DATABASE {db}")
    log(f"Seeding {db} ...")
    t = time.monotonic()
    subprocess.run([INFLOW, "bench-seed", "--learners", str(learners), "--items", str(args.items),
                    "--sessions", str(min(args.sessions, learners)), "--sessions-file", tsv],
                   check=True, env=dict(os.environ, DATABASE_URL=cluster.url(db)))
    took = time.monotonic() - t
    with open(tsv + ".seconds", "w") as f:
        f.write(f"{took:.0f}\n")
    return db


def read_sessions(tsv):
    with open(tsv) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    learners = [r for r in rows if r["role"] == "learner"]
    managers = [r for r in rows if r["role"] == "manager"]
    return learners, managers


def request_lines(page, learners, managers, items, rng, count):
    """(method, path, token, body, item number) for one page."""
    out = []
    # Done writes: it gets the second half of the learners, the pages that
    # read get the first half, so one page's writes don't change another's data.
    half = len(learners) // 2
    readers, writers = learners[:half], learners[half:]
    for k in range(count):
        if PAGES[page][2] == "manager":
            who = managers[k % len(managers)]
        elif page == "done":
            who = writers[k % len(writers)]
        else:
            who = readers[k % len(readers)]
        n = rng.randint(1, items)
        if page == "today_first":
            # Each reader once: every request builds a plan.
            who = readers[k % len(readers)]
            path = "/today"
        elif page == "today":
            path = "/today"
        elif page == "search":
            path = "/library?q=" + rng.choice(WORDS)
        elif page == "item":
            path = f"/library/bench-item-{n}"
        elif page == "team":
            path = "/manage/team"
        elif page == "goal":
            path = f"/goals/{who['goal_id']}"
        else:
            path = f"/library/bench-item-{n}/done"
        body = "back=%2Ftoday" if page == "done" else ""
        out.append((PAGES[page][0], path, who["token"], body, n))
    return out


class Server:
    def __init__(self, cluster, db, port, pool, worker=True):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            sys.exit(f"something already answers on port {port}; stop it first")
        except urllib.error.HTTPError:
            sys.exit(f"something already answers on port {port}; stop it first")
        except OSError:
            pass
        env = dict(os.environ, DATABASE_URL=cluster.url(db),
                   INFLOW_DB_POOL_SIZE=str(pool))
        args = [INFLOW, "serve", "--bind", f"127.0.0.1:{port}"]
        if not worker:
            args.append("--no-worker")
        self.launch(args, env, port)

    def launch(self, args, env, port):
        """Start `args` and wait for its /readyz to answer 200 (the cold start)."""
        self.port = port
        t = time.monotonic()
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None:
                sys.exit(f"{args[0]} exited during start-up")
            time.sleep(0.005)
        self.cold_start = time.monotonic() - t

    def statuses(self):
        """The server's own count of the responses it sent, by status, from
        /metrics (`inflow_http_requests_total`), leaving out the harness's
        own requests (/metrics, /readyz)."""
        counts = {}
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                m = METRIC_LINE.match(line)
                if m and m.group(1) not in ("/metrics", "/readyz"):
                    counts[m.group(2)] = counts.get(m.group(2), 0) + int(float(m.group(3)))
        return counts

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect's own status (POST Done answers 303) instead of following it."""

    def redirect_request(self, *a, **k):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(port, method, path, token, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=body.encode() if method == "POST" else None)
    req.add_header("Cookie", f"inflow_session={token}")
    req.add_header("Sec-Fetch-Site", "same-origin")
    if method == "POST":
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with OPENER.open(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def parse_statement(row):
    """(sql, {n: literal}) from one csvlog row of log_statement = all."""
    msg, detail = row[13], row[14]
    m = re.match(r"(?:execute [^:]+|statement): (.*)", msg, re.S)
    if not m:
        return None
    params = {int(k): v for k, v in PARAM.findall(detail or "")}
    return m.group(1), params


def literal_sql(sql, params):
    return re.sub(r"\$(\d+)", lambda m: params.get(int(m.group(1)), m.group(0)), sql)


def bound_sql(sql, params, prefix, defines, keep=()):
    """`sql` with each parameter as a pgbench variable (`:{prefix}_{n}`, its
    value added to `defines` for `-D`), which `-M prepared` sends as a bound
    parameter, as Inflow does. A literal would let Postgres work out
    expressions of it once, when the statement is prepared (the search's
    `websearch_to_tsquery` of the words searched), where Inflow's statement
    works them out on every call. NULLs, which `-D` cannot carry, and the
    literals in `keep` stay written in."""
    def one(m):
        n = int(m.group(1))
        v = params.get(n)
        if v is None or v == "NULL" or v in keep:
            return v or m.group(0)
        name = f"{prefix}_{n}"
        defines[name] = v[1:-1].replace("''", "'")
        return ":" + name
    return re.sub(r"\$(\d+)", one, sql)


def capture(cluster, db, lines, page):
    """Run each request alone with log_statement = all; return its statements."""
    path = cluster.csv_log()
    server = Server(cluster, db, CAPTURE_PORT, 4, worker=False)
    cluster.psql(db, "ALTER SYSTEM SET log_statement = 'all'", "SELECT pg_reload_conf()")
    time.sleep(0.5)
    per_request = []
    try:
        for method, p, token, body, _ in lines:
            fetch(CAPTURE_PORT, method, p, token, body)  # warm: prepared statements, caches
            if page == "today_first":
                cluster.psql(db, "DELETE FROM learner_plans")
            time.sleep(0.05)
            start = os.path.getsize(path)
            status = fetch(CAPTURE_PORT, method, p, token, body)
            if status not in (200, 303):
                sys.exit(f"{page}: {method} {p} answered {status} during capture")
            time.sleep(0.15)
            with open(path, newline="") as f:
                f.seek(start)
                rows = [r for r in csv.reader(f) if len(r) > 22 and r[2] == db
                        and r[22] != "psql"]
            stmts = [s for s in (parse_statement(r) for r in rows) if s]
            per_request.append(stmts)
    finally:
        cluster.psql(db, "ALTER SYSTEM RESET log_statement", "SELECT pg_reload_conf()")
        server.stop()
    return per_request


def pgbench_scripts(workdir, page, lines, captured, items, literal=False):
    """One pgbench script per captured request, as (file, the values of its
    parameters for `-D`): parameters bound as Inflow binds them; with
    `literal`, written into the SQL as until the twelfth session.
    POST Done picks a random item per run, as wrk does, so its commits write."""
    scripts = []
    for k, ((method, p, token, body, n), stmts) in enumerate(zip(lines, captured)):
        text, defines = [], {}
        if page == "done":
            text.append(f"\\set i random(1, {items})")
        for j, (sql, params) in enumerate(stmts):
            if literal:
                s = literal_sql(sql, params)
            else:
                # Done's item is drawn per transaction below, so it stays a literal.
                keep = (f"'bench-item-{n}'", f"'{bench_id(ITEM_KIND, n)}'") if page == "done" else ()
                s = bound_sql(sql, params, f"r{k}s{j}", defines, keep)
            if page == "done":
                s = s.replace(f"'bench-item-{n}'", "('bench-item-' || :i::int)")
                s = s.replace(f"'{bench_id(ITEM_KIND, n)}'",
                              f"('{bench_id(ITEM_KIND, 0)[:24]}' || lpad(to_hex(:i::int), 12, '0'))::uuid")
            text.append(s.strip().rstrip(";") + ";")
        f = os.path.join(workdir, f"{page}-{k}.sql")
        with open(f, "w") as out:
            out.write("\n".join(text) + "\n")
        scripts.append((f, defines))
    # The values, one `name=value` a line, so the floor can be replayed by
    # hand: pgbench -M prepared -f ... -D name=value ... (see README).
    with open(os.path.join(workdir, f"{page}-defines.txt"), "w") as out:
        out.writelines(f"{name}={value}\n" for _, defines in scripts for name, value in defines.items())
    return scripts


def define_args(defines):
    """pgbench's `-D name=value` arguments for `defines`."""
    return [a for name, value in defines.items() for a in ("-D", f"{name}={value}")]


def run_wrk(args, page, tsv_path, expected, duration, server):
    peak = [server.rss_mib()]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], server.rss_mib())
            time.sleep(0.25)
    t = threading.Thread(target=sample)
    t.start()
    before = server.statuses()
    out = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration}s",
                          "--timeout", "5s", "-s", LUA, f"http://127.0.0.1:{server.port}", "--", tsv_path],
                         check=True, text=True, stdout=subprocess.PIPE)
    stop.set()
    t.join()
    line = next(l for l in out.stdout.splitlines() if l.startswith("RESULT "))
    r = json.loads(line[len("RESULT "):])
    r["rss_mib"] = peak[0]
    # Every response's status is checked on the server's side: wrk's Lua
    # response() hook cost wrk 2–4 µs a request, a sixth of its CPU, on the
    # cores it shares with the server. wrk still counts statuses of 400 and
    # above itself (socket_errors), and a response wrk counted that the
    # server did not is an error too.
    after = server.statuses()
    sent = {k: n - before.get(k, 0) for k, n in after.items()}
    r["wrong_status"] = (sum(n for k, n in sent.items() if k != str(expected))
                         + max(0, r["requests"] - sum(sent.values())))
    return r


class Floor:
    """The page's floor: pgbench replaying the captured SQL (`-M prepared`,
    the captured parameters bound)
    at the pool's concurrency, one process for the whole round, so its
    connections, and their backends' caches, stay warm from one slice to the
    next (a fresh pgbench ran its first second at a fifth to a half of its
    speed).
    Between its slices it is stopped (SIGSTOP) and its backends sit idle.
    Every transaction is logged with the time it completed (`-l`); the
    floor is the transactions that completed inside the measured windows
    over the windows' time."""

    def __init__(self, cluster, db, args, scripts, workdir, seconds, name="pgbench-log"):
        """Starts pgbench for `seconds` after a warm-up of --warmup seconds,
        and returns once the warm-up is over."""
        self.prefix = os.path.join(workdir, name)
        for f in glob.glob(self.prefix + ".*"):
            os.remove(f)
        base = ["pgbench", "-n", "-M", "prepared", "-T", str(args.warmup + seconds), "-l"]
        if args.floor_per_connection:
            # One client per pool connection, each replaying one captured
            # request, so each backend holds and re-runs only the page's few
            # prepared statements, as Inflow's connections do. pgbench
            # prepares every script's statements apart: one pgbench over
            # all the scripts has each backend rotate through dozens of
            # copies of the same statements (see BENCHMARKS.md, thirteenth
            # session).
            cmds = []
            for k in range(args.pool):
                f, defines = scripts[k % len(scripts)]
                cmds.append(base + ["-c", "1", "-j", "1", "--log-prefix", f"{self.prefix}.c{k}", "-f", f]
                            + define_args(defines))
        else:
            cmd = base + ["-c", str(args.pool), "-j", str(args.threads), "--log-prefix", self.prefix]
            for f, defines in scripts:
                cmd += ["-f", f] + define_args(defines)
            cmds = [cmd]
        # The database is pgbench's last argument (its -d is --debug, which
        # prints every statement: until the ninth session the harness passed
        # it, and the floor paid for that output, 15-25 % of its rate).
        self.procs = [subprocess.Popen(c + [cluster.url(db)], text=True, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT) for c in cmds]
        self.ends = time.time() + args.warmup + seconds
        self.windows = []
        time.sleep(args.warmup)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.kill()
                proc.wait()

    def pause(self):
        for proc in self.procs:
            proc.send_signal(signal.SIGSTOP)

    def resume(self):
        for proc in self.procs:
            proc.send_signal(signal.SIGCONT)

    def measure(self, seconds):
        t = time.time()
        time.sleep(seconds)
        if time.time() > self.ends - 0.5:
            sys.exit("the floor's pgbench ended inside a measured slice; give it more time (-T)")
        self.windows.append((t, time.time()))

    def finish(self, tail=True):
        """Runs pgbench until its -T is over, as the last window with
        `tail`; returns transactions a second over the windows."""
        self.resume()
        t = time.time()
        outs = [proc.communicate()[0] for proc in self.procs]
        if tail:
            self.windows.append((t, time.time()))
        for proc, out in zip(self.procs, outs):
            failed = re.search(r"number of failed transactions: (\d+)", out)
            if proc.returncode != 0 or (failed and int(failed.group(1)) > 0):
                sys.exit(f"pgbench failed (exit status {proc.returncode})\n{out}")
        done = []
        for f in glob.glob(self.prefix + ".*"):
            with open(f) as log_file:
                for line in log_file:
                    fields = line.split()
                    done.append(int(fields[4]) + int(fields[5]) / 1e6)
            os.remove(f)
        done.sort()
        n = sum(bisect.bisect_left(done, t1) - bisect.bisect_left(done, t0) for t0, t1 in self.windows)
        return n / sum(t1 - t0 for t0, t1 in self.windows)


def measure_page(cluster, db, args, page, lines, tsv_path, expected):
    """One round of one page: a fresh server, warm-up, then the measured run."""
    # Plans are built on the day's first visit: Today's warm-up builds
    # them; today_first starts without any and runs no longer than it
    # takes to visit each reader once (no warm-up, so none is reused).
    cluster.psql(db, "TRUNCATE learner_plans")
    server = Server(cluster, db, PORT, args.pool)
    try:
        if page == "today_first":
            r = run_wrk(args, page, tsv_path, expected, min(args.duration, 5), server)
            # rotate.lua starts the second thread 7919 lines in.
            n = len(lines)
            if r["requests"] > 2 * min(7919 % n, n - 7919 % n):
                sys.exit(f"today_first: {r['requests']} requests reached readers twice; "
                         "seed more sessions (--sessions)")
        else:
            run_wrk(args, page, tsv_path, expected, args.warmup, server)
            r = run_wrk(args, page, tsv_path, expected, args.duration, server)
    finally:
        server.stop()
    r.pop("quantiles_ms")
    return r


def measure_first_visits(cluster, db, args, lines, tsv_path, expected, scripts, workdir):
    """One round of today_first: each reader is visited once, so the page
    runs in one go (measure_page), between two slices of its floor of
    --duration / 2 each, so that a machine that speeds up or slows down
    weighs on both alike. pgbench is stopped while the page runs; its
    statements commit one by one, so it holds no lock when the page's
    round clears the plans."""
    half = args.duration / 2
    # pgbench's clock runs while it is stopped: room for the page's run.
    with Floor(cluster, db, args, scripts, workdir, args.duration + 20) as floor:
        floor.measure(half)
        floor.pause()
        r = measure_page(cluster, db, args, "today_first", lines, tsv_path, expected)
        floor.resume()
        floor.measure(half)
        r["floor_rps"] = floor.finish(tail=False)
    r["share"] = r["rps"] / r["floor_rps"]
    return r


# Slices of one round: the page (P) and its floor (F) take turns, in an
# order whose halves mirror each other, so a machine that speeds up or slows
# down during the round weighs on both alike.
SLICE_ORDER = "PFFPFPPF"


# With the floor over the page's own people, the read of its parameters
# alone (R) takes slices of its own.
OWN_SLICE_ORDER = "PFRRFPPFRRFP"


def measure_interleaved(cluster, db, args, page, tsv_path, expected, scripts, workdir, read=None,
                        start=None):
    """One round of one page and its floor: a fresh server and a warm-up of
    each, then short slices of the page and of its floor in turn
    (SLICE_ORDER, each --duration / 4 seconds). The share is the page's
    requests a second over the floor's transactions a second, each over
    its own slices. With `read` (the floor over the page's own people),
    the read of the parameters alone has slices too, and its cost is taken
    off the floor's. `start` starts another server than Inflow's."""
    cluster.psql(db, "TRUNCATE learner_plans")
    server = start() if start else Server(cluster, db, PORT, args.pool)
    order = OWN_SLICE_ORDER if read else SLICE_ORDER
    slice_s = max(1, round(args.duration / order.count("P")))
    slices = []
    extra = {}
    try:
        run_wrk(args, page, tsv_path, expected, args.warmup, server)
        if read:
            floor_rps, extra = own_slices(cluster, db, args, page, tsv_path, expected, scripts,
                                          read, workdir, server, slice_s, slices)
        else:
            # pgbench's own clock runs while it is stopped: its -T covers the
            # page's slices too, and the last floor slice lasts until it ends.
            with Floor(cluster, db, args, scripts, workdir, len(order) * slice_s + 4) as floor:
                last_floor = order.rindex("F")
                for k, turn in enumerate(order):
                    if turn == "P":
                        floor.pause()
                        slices.append(run_wrk(args, page, tsv_path, expected, slice_s, server))
                    elif k < last_floor:
                        floor.resume()
                        floor.measure(slice_s)
                        floor.pause()
                floor_rps = floor.finish()
            extra = {"floor_windows_s": [round(t1 - t0, 2) for t0, t1 in floor.windows]}
    finally:
        server.stop()
    requests = sum(s["requests"] for s in slices)
    seconds = sum(s["seconds"] for s in slices)
    r = {
        "requests": requests,
        "seconds": seconds,
        "rps": requests / seconds,
        "p50_ms": merged_percentile(slices, 50),
        "p99_ms": merged_percentile(slices, 99),
        "max_ms": max(s["max_ms"] for s in slices),
        "wrong_status": sum(s["wrong_status"] for s in slices),
        "socket_errors": sum(s["socket_errors"] for s in slices),
        "rss_mib": max(s["rss_mib"] for s in slices),
        "floor_rps": floor_rps,
        "slices": [s["rps"] for s in slices],
        **extra,
    }
    r["share"] = r["rps"] / r["floor_rps"]
    return r


def own_slices(cluster, db, args, page, tsv_path, expected, floor_scripts, read_script, workdir,
               server, slice_s, slices):
    """The slices of OWN_SLICE_ORDER: the page's appended to `slices`; the
    floor's rate with its read, the read's alone, and the floor's without
    the read's cost (own_floor.floor_rate)."""
    import own_floor
    span = len(OWN_SLICE_ORDER) * slice_s + 2
    with Floor(cluster, db, args, floor_scripts, workdir, span + args.warmup, "own-floor") as floor:
        floor.pause()
        with Floor(cluster, db, args, [read_script], workdir, span, "own-read") as read:
            read.pause()
            for turn in OWN_SLICE_ORDER:
                if turn == "P":
                    slices.append(run_wrk(args, page, tsv_path, expected, slice_s, server))
                else:
                    f = floor if turn == "F" else read
                    f.resume()
                    f.measure(slice_s)
                    f.pause()
            read_rps = read.finish(tail=False)
        with_read = floor.finish(tail=False)
    return own_floor.floor_rate(with_read, read_rps), {
        "floor_with_read_rps": with_read, "read_rps": read_rps}


def merged_percentile(slices, p):
    """The p-th percentile of the latencies of all the slices together, from
    each slice's quantiles (rotate.lua prints one per 0.1 %): each stands for
    a thousandth of its slice's requests."""
    points = sorted((q, s["requests"] / len(s["quantiles_ms"]))
                    for s in slices for q in s["quantiles_ms"])
    goal = p / 100 * sum(w for _, w in points)
    seen = 0.0
    for q, w in points:
        seen += w
        if seen >= goal:
            return q
    return points[-1][0]


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def summarise(runs):
    """Medians over the rounds (and each figure's range); errors and RSS are the worst round's.
    The share is the median of each round's page over the floor measured right after it."""
    out = {"rounds": runs}
    for key in ("rps", "p50_ms", "p99_ms", "floor_rps", "share"):
        if key in runs[0]:
            vals = [r[key] for r in runs]
            out[key] = median(vals)
            out[key + "_range"] = [min(vals), max(vals)]
    out["errors"] = sum(r["wrong_status"] + r["socket_errors"] for r in runs)
    out["rss_mib"] = max(r["rss_mib"] for r in runs)
    return out


def own_people(args):
    """Is the reading pages' floor over their own requests (the default)?"""
    return not (args.floor_sampled or args.floor_per_connection or args.literal_floor)


class Dataset:
    """A seeded dataset, reset for a run: its database, its folder of
    scripts, and the benchmark users' sessions."""

    def __init__(self, cluster, args, learners):
        self.learners = learners
        self.workdir = os.path.join(args.dir, f"run-{learners}")
        os.makedirs(self.workdir, exist_ok=True)
        tsv = os.path.join(args.dir, f"sessions-{learners}.tsv")
        self.db = seed(cluster, args, learners, tsv)
        # Sessions expire after 8 idle hours: bring the benchmark ones up to date.
        # Undo earlier runs (Done, item views; seeded history is at least 3 days
        # old) so every run starts from the same data.
        cluster.psql(self.db, "UPDATE sessions SET created_at = now(), last_seen_at = now()",
                     "DELETE FROM activities WHERE at > now() - interval '2 days'",
                     "DELETE FROM campaign_progress WHERE done_at > now() - interval '2 days'",
                     "VACUUM ANALYZE activities, campaign_progress")
        # As at 9 a.m. after the morning's digests went out: the worker's digest
        # tick finds nobody due (BENCHMARKS.md measures a morning round itself).
        cluster.psql(self.db, "UPDATE digest_schedule SET next_at = now() + interval '1 day'")
        self.learner_rows, self.managers = read_sessions(tsv)
        with open(tsv + ".seconds") as f:
            self.seed_seconds = int(f.read().strip() or 0)

    def today_file(self, args):
        """rotate.lua's file of Today's requests, as the main run's Today
        page has them (the first page drawn from `random.Random(7)`)."""
        return self.lines(args, "today", random.Random(7))[1]

    def lines(self, args, page, rng):
        """The page's requests, also written to `<page>.tsv` for rotate.lua;
        returns (lines, the file's path)."""
        if page == "today_first":
            lines = request_lines(page, self.learner_rows, self.managers, args.items, rng,
                                  len(self.learner_rows) // 2)
        else:
            # The first --rotate learners (in id order) and their managers
            # (learner n is in team n), as in every earlier run.
            lines = request_lines(page, self.learner_rows[:args.rotate], self.managers[:args.rotate],
                                  args.items, rng, args.requests)
        path = os.path.join(self.workdir, f"{page}.tsv")
        with open(path, "w") as f:
            for m, p, token, body, _ in lines:
                f.write(f"{m}\t{p}\t{token}\t{body}\n")
        return lines, path


def bench_dataset(cluster, args, data, pages):
    db, workdir = data.db, data.workdir
    rng = random.Random(7)
    results = {"learners": data.learners, "pages": {},
               "floor": ("one pgbench client per connection, each replaying one request"
                         if args.floor_per_connection else
                         "the page's statements over its own requests, parameters read per "
                         "transaction and that read's cost taken off (reading pages)"
                         if own_people(args) else
                         "one pgbench over all the captured requests")
               + (", parameters written into the SQL" if args.literal_floor else "")}
    results["seed_seconds"] = data.seed_seconds
    server = Server(cluster, db, PORT, args.pool)
    results["cold_start_s"] = server.cold_start
    server.stop()
    for page in pages:
        expected = PAGES[page][1]
        lines, tsv_path = data.lines(args, page, rng)
        sample = lines[: args.capture]
        captured = capture(cluster, db, sample, page)
        counts = sorted(len(c) for c in captured)
        scripts = pgbench_scripts(workdir, page, sample, captured, args.items, args.literal_floor)
        read = None
        if own_people(args) and page in OWN_PAGES:
            import own_floor
            requests = own_floor.capture_all(cluster, db, lines[:args.rotate], captured[0][0][0])
            own, read = own_floor.scripts(cluster, db, workdir, page, requests)
            scripts = [own]
        runs = []
        for k in range(args.rounds):
            if page == "today_first":
                r = measure_first_visits(cluster, db, args, lines, tsv_path, expected, scripts, workdir)
            else:
                r = measure_interleaved(cluster, db, args, page, tsv_path, expected, scripts, workdir, read)
            runs.append(r)
            log(f"  {page:<11} round {k + 1}: {r['rps']:>6.0f} req/s  p99 {r['p99_ms']:>6.2f} ms"
                f"  floor {r['floor_rps']:.0f}/s  share {r['share']:.0%}")
        r = summarise(runs)
        r["queries"] = counts[-1]
        r["queries_min"] = counts[0]
        results["pages"][page] = r
        log(f"  {page:<11} {r['rps']:>6.0f} req/s  p50 {r['p50_ms']:>6.2f} ms  p99 {r['p99_ms']:>6.2f} ms  "
            f"errors {r['errors']}  RSS {r['rss_mib']:.0f} MiB  queries {r['queries']}"
            f"  floor {r['floor_rps']:.0f}/s  share {r['share']:.0%}  (median of {len(runs)})")
    return results


def span(r, key, fmt):
    lo, hi = r[key + "_range"]
    return f"{fmt.format(r[key])} ({fmt.format(lo)}–{fmt.format(hi)})" if len(r["rounds"]) > 1 else fmt.format(r[key])


def report(main, compare, reference=None):
    rounds = len(next(iter(main["pages"].values()))["rounds"])
    rows = [f"Medians of {rounds} rounds (range in brackets); each round is a fresh server, "
            "warm-ups, then the page and its floor in\n"
            "alternating slices (today_first: its floor, the page in one go, its floor).",
            f"Floor: {main['floor']}.",
            "",
            "| page | req/s | p50 ms | p99 ms | errors | SQL statements | pgbench floor/s | share of floor | RSS MiB | goal |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for page, r in main["pages"].items():
        goal = f"≥ {TARGET_RPS[page]} req/s" if TARGET_RPS[page] else "(reported)"
        share = span(r, "share", "{:.0%}") if "share" in r else ""
        floor = span(r, "floor_rps", "{:.0f}") if "floor_rps" in r else ""
        rows.append(f"| {page} | {span(r, 'rps', '{:.0f}')} | {r['p50_ms']:.2f} | {span(r, 'p99_ms', '{:.2f}')} | "
                    f"{r['errors']} | {r['queries']} | {floor} | {share} | {r['rss_mib']:.0f} | {goal} |")
    rows.append("")
    rows.append(f"Cold start to ready: {main['cold_start_s']:.2f} s. Seeding {main['learners']} learners took "
                f"{main['seed_seconds']} s.")
    if compare:
        import scale
        rows.append(scale.report_line(main, compare))
    if reference:
        import reference as ref
        rows.append(ref.report_line(reference))
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", default=os.environ.get("INFLOW_BENCH_DIR", "/var/tmp/inflow-bench"))
    ap.add_argument("--learners", type=int, default=100_000)
    ap.add_argument("--compare", type=int, default=10_000,
                    help="second dataset for Today's ratio, measured in turns with the first (0: skip)")
    ap.add_argument("--no-reference", dest="reference", action="store_false",
                    help="skip the issue's reference page (bench/reference.py), measured in turns with Today")
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--sessions", type=int, default=40_000,
                    help="sessions seeded (today_first visits each reading learner once)")
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pool", type=int, default=8)
    ap.add_argument("--duration", type=int, default=16,
                    help="seconds of each page (and of its floor) per round, in four slices")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of each page and its floor; the report gives medians")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--rotate", type=int, default=1_000,
                    help="learners (and their managers) the reading pages and Done rotate through")
    ap.add_argument("--requests", type=int, default=4000, help="distinct requests wrk rotates through")
    ap.add_argument("--capture", type=int, default=32, help="requests captured per page for the floor")
    ap.add_argument("--reseed", action="store_true")
    ap.add_argument("--floor-per-connection", action="store_true",
                    help="the floor as one pgbench client per pool connection, each replaying one request "
                         "(each backend re-runs only the page's statements, as Inflow's do)")
    ap.add_argument("--floor-sampled", action="store_true",
                    help="the reading pages' floor as one pgbench over the --capture sampled requests "
                         "(until the sixteenth session; by default it runs over the page's own requests, "
                         "parameters read per transaction from a table, that read's cost taken off: "
                         "bench/own_floor.py)")
    ap.add_argument("--literal-floor", action="store_true",
                    help="write the floor's parameters into its SQL (as until the twelfth session)")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    pages = [p for p in args.pages.split(",") if p]
    cluster = Cluster(args.dir)
    cluster.start()
    log(f"Machine: {os.cpu_count()} cores; {args.connections} connections, pool {args.pool}, "
        f"{args.duration} s per page after {args.warmup} s warm-up.")
    log(f"Dataset: {args.learners} learners")
    big = Dataset(cluster, args, args.learners)
    main_result = bench_dataset(cluster, args, big, pages)
    compare = None
    if args.compare:
        import scale
        log(f"Dataset: {args.compare} learners, Today against {args.learners} in alternating slices")
        compare = scale.compare(cluster, args, big, Dataset(cluster, args, args.compare))
    reference = None
    if args.reference and "today" in pages:
        import reference as ref
        log("The issue's reference page, in turns with Today")
        reference = ref.compare(cluster, args, big)
    text = report(main_result, compare, reference)
    print()
    print(text)
    with open(os.path.join(args.dir, "results.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(args.dir, "results.json"), "w") as f:
        json.dump({"main": main_result, "compare": compare, "reference": reference}, f, indent=2)


if __name__ == "__main__":
    main()
