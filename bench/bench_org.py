"""Organisation-scale search at the project quota's limit: N accounts (default 1,000) with 20 spreadsheets
per Drive, on the sandbox with every per-project quota scaled down by the same factor (so Google's ratios
hold and the run takes minutes, not hours).

One run prints: the estimate (list calls only) and its time; the quota plan; the search's wall time
against the bound of the binding project quota (units the search spent / the project's rate) and the
429s met; the baseline (today's Sheets-only route, ``DSAR_SHEET_ROUTE=sheets``) on a sample of the same
accounts, its time extrapolated to N (it is quota-bound, so linear in accounts), and the speed-up; peak
RSS of the engine (its own process) and of one Celery worker at 1,000 and 5,000 accounts in a light mode
(one spreadsheet and one message each, quotas off; both measured after the same number of units).

Needs Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432, trust auth) for the worker figures (``--no-worker`` skips them). Run:
python bench/bench_org.py [--accounts 1000 --sheets 20 --scale 0.5 --baseline-accounts 6 --rss 1000,5000]

``BENCH_PROFILE=/tmp/prof`` also saves a per-thread CPU profile of each engine process (``/tmp/prof.TASK.PID``,
pstats format; needs ``pip install yappi``): cProfile sees only the main thread, and the units run in others.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from scopes.quotas import PUBLISHED_QUOTAS  # noqa: E402
from tests.scale.orgfixture import DOMAIN, SUBJECT, write_org  # noqa: E402
from tests.scale.sandbox_process import cpu_seconds, start_sandbox, stop  # noqa: E402
from tests.scale.workers import DSAR, Worker  # noqa: E402

BUCKETS = ("gmail", "drive", "sheets_read", "sheets_write")


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def quota(sandbox: str, enabled: bool, project: dict[str, float] | None) -> None:
    requests.put(f"{sandbox}/_sandbox/quota", json={"enabled": enabled, "project": project or {}}, timeout=30)


def served(sandbox: str) -> tuple[dict[str, int], int, dict]:
    q = requests.get(f"{sandbox}/_sandbox/quota", timeout=30).json()
    units: dict[str, int] = {}
    for per_api in q["units"].values():
        for api, n in per_api.items():
            units[api] = units.get(api, 0) + n
    return units, sum(q["rejections"].values()), q.get("rejected_by_bucket", {})


# -- the engine, in its own process (so its peak RSS is its own) ---------------------------------------
def _engine(env: dict, task: str, accounts: list[str] | None, workers: int, out) -> None:
    os.environ.update(env)
    import resource

    from addon.cli.case_cmd import open_case
    from addon.search.estimate import estimate
    from addon.search.service import run_search
    from addon.services import open_services

    services = open_services()
    actor = env["DSAR_ACTOR"]
    case = open_case(services, "access", SUBJECT["names"], SUBJECT["emails"], [], [], dt.date.today(), actor)
    t0 = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):  # every thread's CPU, since the engine's work runs in unit threads
        import yappi

        yappi.set_clock_type("cpu")
        yappi.start()
    if task == "estimate":
        est = estimate(services, case.ref, actor, accounts=accounts)
        result = {"estimate": {k: est[k] for k in ("accounts", "totals", "plan", "calls")}}
    elif task.startswith("light:"):  # stop (as Ctrl-C does) after a fixed number of units: memory per org size
        from addon.errors import Interrupted

        limit, sent = int(task.split(":")[1]), []

        def enough(p) -> None:
            if p.units_done >= limit and not sent:  # report the peak so far and end the process here
                sent.append(1)
                out.put({"units_done": p.units_done, "units_total": p.units_total, "hwm_at_limit_mb": rss_mb(os.getpid()),
                         "rss_mb": rss_mb(os.getpid()), "wall_s": time.perf_counter() - t0, "cpu_s": 0.0})
                out.close()
                out.join_thread()
                os._exit(0)

        try:
            run_search(services, case.ref, actor, accounts=accounts, workers=workers, on_progress=enough)
        except (Interrupted, KeyboardInterrupt):
            pass
        job = services.store.job(f"search:{case.ref}:0")
        result = {"units_done": sum(1 for u in job["state"]["units"].values() if u.get("finished")),
                  "units_total": len(job["state"]["units"]), "hwm_at_limit_mb": sent[0] if sent else None}
    else:
        items = run_search(services, case.ref, actor, accounts=accounts, workers=workers)
        job = services.store.job(f"search:{case.ref}:0")
        routes: dict[str, int] = {}
        for u in job["state"]["units"].values():
            for k, v in (u.get("routes") or {}).items():
                routes[k] = routes.get(k, 0) + v
        by_source: dict[str, int] = {}
        for i in items:
            by_source[i["source"]] = by_source.get(i["source"], 0) + 1
        result = {"items": by_source, "routes": routes, "units_total": len(job["state"]["units"])}
    result["wall_s"] = time.perf_counter() - t0
    if os.environ.get("BENCH_PROFILE"):
        yappi.stop()
        yappi.get_func_stats().save(f"{os.environ['BENCH_PROFILE']}.{task.replace(':', '-')}.{os.getpid()}", type="pstat")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["rss_mb"] = usage.ru_maxrss / 1024
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    out.put(result)


def engine(env: dict, task: str, accounts: list[str] | None = None, workers: int = 16) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_engine, args=(env, task, accounts, workers, q))
    p.start()
    try:
        while True:
            try:
                return q.get(timeout=2)
            except Exception:  # queue.Empty: still running, or dead
                if not p.is_alive():
                    raise SystemExit(f"the engine process for {task!r} exited with {p.exitcode} (see above)")
    finally:
        p.join(60)


def bound_of(units: dict[str, int], limits: dict[str, float]) -> tuple[str, float, dict[str, float]]:
    per = {b: units.get(b, 0) / limits[b] * 60 for b in BUCKETS if units.get(b)}
    binding = max(per, key=per.get)
    return binding, per[binding], per


def worker_rss(env: dict, tmp: Path, n: int, units: int) -> dict:
    """One solo Celery worker over a queued search of n accounts: its peak RSS after ``units`` units."""
    from addon.cli.case_cmd import open_case
    from addon.scale.fanout import ProgressReader, dispatch
    from addon.services import open_services

    os.environ.update(env)
    services = open_services()
    case = open_case(services, "access", SUBJECT["names"], SUBJECT["emails"], [], [], dt.date.today(), env["DSAR_ACTOR"])
    w = Worker(env, f"org{n}-{secrets.token_hex(2)}", tmp)
    try:
        w.wait_ready(180)
        t0 = time.perf_counter()
        dispatch(services, case.ref, env["DSAR_ACTOR"])
        reader = ProgressReader(services.store, case.ref)
        done = 0
        while time.perf_counter() - t0 < 600:
            _, p, _ = reader.read()
            done = p.units_done
            if done >= units or p.units_done == p.units_total:
                break
            time.sleep(1.0)
        return {"accounts": n, "units_done": done, "rss_mb": rss_mb(w.proc.pid), "s": time.perf_counter() - t0}
    finally:
        w.stop()


def light(args, tmp: Path, n: int) -> dict:
    """Light mode for memory: n accounts, one message and one spreadsheet each, quotas off."""
    root = tmp / f"light{n}"
    write_org(root, users=n, messages=1, docs=0, hit_every=2, sheet_every=0, sheets_per_drive=1)
    proc, sandbox = start_sandbox(root, tmp / f"light{n}.log", timeout=600)
    try:
        quota(sandbox, False, None)
        env = {"DSAR_HOME": str(tmp / f"home-light{n}"), "DSAR_SANDBOX_URL": sandbox, "DSAR_ACTOR": f"dpo@{DOMAIN}",
               "DSAR_DPO": f"dpo@{DOMAIN}", "DSAR_ADMIN": f"user0000@{DOMAIN}", "DSAR_DOMAIN": DOMAIN}
        _init_home(env)
        eng = engine(env, f"light:{args.worker_units}", workers=16)
        out = {"accounts": n, "engine_rss_mb": eng.get("hwm_at_limit_mb") or eng["rss_mb"], "engine_wall_s": eng["wall_s"],
               "engine_units": eng["units_done"], "units_total": eng["units_total"]}
        if not args.no_worker:
            prefix = f"dsar-org-{secrets.token_hex(3)}:"
            import psycopg

            db = f"dsar_org_{secrets.token_hex(4)}"
            admin = psycopg.connect(args.pg_admin, autocommit=True)
            admin.execute(f'CREATE DATABASE "{db}"')
            wenv = {**env, "DSAR_HOME": str(tmp / f"home-light{n}-w"), "DSAR_BROKER_URL": args.redis,
                    "DSAR_REDIS_PREFIX": prefix, "DSAR_QUEUE": prefix + "q",
                    "DSAR_DATABASE_URL": args.pg_admin.rsplit("/", 1)[0] + "/" + db}
            try:
                _init_home(wenv)
                subprocess.run([DSAR, "db", "upgrade"], env={**os.environ, **wenv}, check=True, capture_output=True)
                out["worker"] = worker_rss(wenv, tmp, n, args.worker_units)
            finally:
                _clean_redis(args.redis, prefix)
                for k in ("DSAR_DATABASE_URL", "DSAR_BROKER_URL", "DSAR_REDIS_PREFIX", "DSAR_QUEUE"):
                    os.environ.pop(k, None)
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s "
                              "AND pid <> pg_backend_pid()", (db,))
                admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
                admin.close()
        return out
    finally:
        stop(proc)


def _init_home(env: dict) -> None:
    subprocess.run([DSAR, "init"], env={**os.environ, **env}, check=True, capture_output=True)


def _clean_redis(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i:i + 500])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--sheets", type=int, default=20, help="spreadsheets per Drive")
    ap.add_argument("--messages", type=int, default=2, help="messages per mailbox")
    ap.add_argument("--scale", type=float, default=0.5, help="every per-project quota times this")
    ap.add_argument("--baseline-accounts", type=int, default=6, help="accounts the Sheets-only baseline searches")
    ap.add_argument("--workers", type=int, default=16, help="the engine's concurrent units")
    ap.add_argument("--rss", default="1000,5000", help="account counts for the light memory mode ('' to skip)")
    ap.add_argument("--worker-units", type=int, default=200,
                    help="units the engine and one Celery worker run per memory figure (the same at every size)")
    ap.add_argument("--no-worker", action="store_true")
    ap.add_argument("--memory-only", action="store_true", help="only the light memory mode")
    ap.add_argument("--estimate-only", action="store_true", help="only the organisation and its --estimate")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    ap.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-org-"))
    limits = {b: PUBLISHED_QUOTAS[b].per_project_per_min * args.scale for b in BUCKETS}
    report: dict = {"args": vars(args), "limits_per_min": limits}
    proc = None
    if args.memory_only:
        return memory(args, tmp, report)
    try:
        t = time.perf_counter()
        exp = write_org(tmp / "org", users=args.accounts, messages=args.messages, docs=1, hit_every=4,
                        sheet_every=0, sheets_per_drive=args.sheets)
        print(f"Organisation: {args.accounts:,} accounts, {args.messages} messages and {args.sheets} spreadsheets each "
              f"({args.accounts * args.sheets:,} spreadsheets); expected gmail {exp['gmail']}, drive {exp['drive']}, "
              f"sheet rows {exp['sheets']} (written in {time.perf_counter() - t:.0f}s)", flush=True)
        t = time.perf_counter()
        proc, sandbox = start_sandbox(tmp / "org", tmp / "sandbox.log", timeout=600)
        print(f"Sandbox loaded in {time.perf_counter() - t:.0f}s; project quotas x{args.scale}: "
              + ", ".join(f"{b} {v:,.0f}/min" for b, v in limits.items()), flush=True)
        env = {"DSAR_HOME": str(tmp / "home"), "DSAR_SANDBOX_URL": sandbox, "DSAR_ACTOR": f"dpo@{DOMAIN}",
               "DSAR_DPO": f"dpo@{DOMAIN}", "DSAR_ADMIN": f"user0000@{DOMAIN}", "DSAR_DOMAIN": DOMAIN,
               **{f"DSAR_PROJECT_QUOTA_{b.upper()}": str(v) for b, v in limits.items()}}
        _init_home(env)
        accounts = [f"user{i:04d}@{DOMAIN}" for i in range(args.accounts)]

        quota(sandbox, True, limits)
        est = engine(env, "estimate", accounts)
        e_units, e_429, _ = served(sandbox)
        e_binding, e_bound, _ = bound_of(e_units, limits)
        plan = est["estimate"]["plan"]
        report["estimate"] = {**est, "served": e_units, "429s": e_429, "binding": e_binding, "bound_s": e_bound}
        print(f"\nEstimate: {est['estimate']['calls']:,} list calls in {est['wall_s']:.1f}s (quota-paced, {e_429} x 429; "
              f"{e_binding} bound {e_bound:.1f}s; engine CPU {est['cpu_s']:.0f}s); totals {est['estimate']['totals']}")
        print(f"Plan:     {plan['line']}", flush=True)
        if args.estimate_only:
            return

        quota(sandbox, True, limits)  # resets the buckets and counters
        sb0 = cpu_seconds(proc.pid)
        run = engine(env, "search", accounts, args.workers)
        run["sandbox_cpu_s"] = cpu_seconds(proc.pid) - sb0
        units, r429, by_bucket = served(sandbox)
        binding, bound_s, per = bound_of(units, limits)
        report["search"] = {**run, "served": units, "429s": r429, "binding": binding, "bound_s": bound_s, "bounds": per}
        ok = (run["items"].get("gmail", 0), run["items"].get("drive", 0), run["items"].get("sheets", 0)) == \
             (exp["gmail"], exp["drive"], exp["sheets"])
        print(f"\nSearch (cheapest route): {run['wall_s']:.1f}s wall; bound {bound_s:.1f}s ({binding}: "
              f"{units.get(binding, 0):,} at {limits[binding]:,.0f}/min) = {run['wall_s'] / bound_s:.2f}x the bound; "
              f"{r429} x 429 {by_bucket or ''}; routes {run['routes']}; items {run['items']} "
              f"({'all expected' if ok else 'EXPECTED ' + str(exp)}); plan ETA was {plan['eta_min'] * 60:.0f}s")
        print(f"  CPU: engine {run['cpu_s']:.0f}s, sandbox {run['sandbox_cpu_s']:.0f}s over {run['wall_s']:.0f}s of wall "
              f"on {os.cpu_count()} shared cores (load average {os.getloadavg()[0]:.1f})")
        print("  bounds by bucket: " + ", ".join(f"{b} {s:.1f}s" for b, s in sorted(per.items(), key=lambda kv: -kv[1])),
              flush=True)

        quota(sandbox, True, limits)
        sample = accounts[:args.baseline_accounts]
        base = engine({**env, "DSAR_SHEET_ROUTE": "sheets"}, "search", sample, args.workers)
        b_units, b429, b_by = served(sandbox)
        b_binding, b_bound, _ = bound_of(b_units, limits)
        factor = args.accounts / len(sample)
        # quota-bound, so linear in accounts; a sample this small fits in Sheets' one-minute burst, so its own wall
        # time understates the steady state: the baseline for N is taken as its quota bound at N (a lower bound)
        full = max(base["wall_s"] * factor, b_bound * factor)
        report["baseline"] = {**base, "served": b_units, "429s": b429, "binding": b_binding, "bound_s": b_bound,
                              "extrapolated_s": full}
        print(f"\nBaseline (Sheets-only, {len(sample)} accounts = {len(sample) * args.sheets} spreadsheets): "
              f"{base['wall_s']:.1f}s wall, bound {b_bound:.1f}s ({b_binding}: {b_units.get(b_binding, 0):,}), "
              f"{b429} x 429; for {args.accounts:,} accounts: at least {full / 60:.1f} min "
              f"(its quota bound at {args.accounts:,}: {b_bound * factor / 60:.1f} min)")
        print(f"Speed-up against the baseline: {full / run['wall_s']:.1f}x; ratio to the bound: "
              f"{run['wall_s'] / bound_s:.2f}x; 429s: {r429}", flush=True)
        stop(proc)
        proc = None

        memory(args, tmp, report)
    finally:
        stop(proc)


def memory(args, tmp: Path, report: dict) -> None:
    """The light memory mode, and the raw figures written out."""
    sizes = [int(x) for x in args.rss.split(",") if x.strip()]
    if sizes:
        print(f"\nMemory (light mode: 1 message and 1 spreadsheet per account, quotas off):")
        report["memory"] = []
        for n in sizes:
            m = light(args, tmp, n)
            report["memory"].append(m)
            w = m.get("worker")
            print(f"  {n:>6,} accounts ({m['units_total']:,} units): engine peak RSS {m['engine_rss_mb']:.0f} MB "
                  f"after {m['engine_units']} units ({m['engine_wall_s']:.0f}s)"
                  + (f"; one Celery worker {w['rss_mb']:.0f} MB after {w['units_done']} units" if w else ""),
                  flush=True)
    load = os.getloadavg()
    print(f"\n(load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} on {os.cpu_count()} cores)")
    (tmp / "bench_org.json").write_text(json.dumps(report, indent=1, default=str))
    print(f"Raw figures: {tmp / 'bench_org.json'}")


if __name__ == "__main__":
    main()
