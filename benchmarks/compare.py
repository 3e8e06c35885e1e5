"""Two versions of the product side by side, on the same dataset, measurements interleaved.

    .venv/bin/python benchmarks/compare.py REF                 # REF: a commit, tag or branch
    .venv/bin/python benchmarks/compare.py REF --seconds 4 --rounds 3

Figures from separate runs of ``benchmarks/load.py`` move by a fifth from one run to the next on a
shared machine, which hides the effect of a change. This serves REF (checked out into a temporary
git worktree) and the working tree at once with gunicorn, on the load suite's dataset, and drives
each page alternately on one and the other, ``--rounds`` times, so both see the same conditions.
It prints requests per second (mean of the rounds) and p95 (median of the rounds) per page.

Unless ``--no-peer``, the peer's booking page (``benchmarks/peer.py``, issue 17) is served too, one
server for both versions, and driven in the booking page's rounds: a last table gives each
version's booking page over the peer's.

The dataset is the load suite's (run ``benchmarks/load.py`` once to build it); its schema is the
working tree's, so REF must be able to read it (a REF from before a migration that only adds
columns can).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402


def targets_of(tree: Path, env: dict[str, str]) -> dict[str, load.Target]:
    """The pages and sessions as ``tree``'s own code makes them (sign-in backends differ by version)."""
    out = subprocess.run(
        [load.PYTHON, "-m", "benchmarks.targets"], env=env, cwd=tree, capture_output=True, text=True, check=True
    ).stdout
    return {row["name"]: load.Target(**row) for row in json.loads(out.strip().splitlines()[-1])}


def serve(tree: Path, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    command = [load.GUNICORN, "counseling.wsgi", "--workers", str(workers), "--bind", f"{load.HOST}:{port}"]
    command += ["--backlog", "256", "--log-level", "warning", "--access-logfile", "/dev/null"]
    return subprocess.Popen(command, env=env, cwd=tree, start_new_session=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", help="the version to compare the working tree with (commit, tag, branch)")
    parser.add_argument("--db", default="proof_bench")
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per page, version and concurrency")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2))
    parser.add_argument("--no-peer", action="store_true", help="skip the peer's booking page (benchmarks/peer.py)")
    parser.add_argument("--peer-db", default="peer_bench", help="PostgreSQL database of the peer")
    parser.add_argument("--peer-port", type=int, default=8119)
    args = parser.parse_args()
    args.seconds = min(max(args.seconds, 1.0), 60.0)
    args.rounds = min(max(args.rounds, 1), 20)
    if not load.dataset_ready(args.db):
        raise SystemExit(f"no dataset in {args.db}: run benchmarks/load.py once first")

    base_tree = Path(tempfile.mkdtemp(prefix="counseling-compare-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(base_tree), args.ref], cwd=ROOT, check=True)
    trees = {"base": (base_tree, args.ref, 8110), "this": (ROOT, "working tree", 8109)}
    servers: list[subprocess.Popen] = []
    try:
        peer = None if args.no_peer else load.peer_target(args.peer_db, args.peer_port)
        if peer:
            servers.append(load.serve_peer(args.peer_db, args.peer_port, args.workers))
        pages: dict[str, dict[str, load.Target]] = {}
        for name, (tree, _label, port) in trees.items():
            env = {**load.bench_env(args.db), "PYTHONPATH": str(tree)}
            pages[name] = targets_of(tree, env)
            servers.append(serve(tree, env, port, args.workers))
        for name, (_tree, _label, port) in trees.items():
            base_url = f"http://{load.HOST}:{port}"
            load.wait_for(f"{base_url}/__yardstick/")
            load.check_targets(base_url, list(pages[name].values()), "sessionid")
        if peer:
            load.wait_for(peer.url(""))
            load.check_targets("", [peer], "sessionid")
        names = [page for page in pages["this"] if page in pages["base"]]
        print(f"base: {args.ref}; this: the working tree; {args.rounds} × {args.seconds:g} s per page and version\n")
        lines = [
            "| page | conns | base req/s | this req/s | × | base p95 ms | this p95 ms |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        print("\n".join(lines), flush=True)
        versus: list[str] = []
        for connections in (50, 10):
            for page in names:
                results: dict[str, list[load.Result]] = {"base": [], "this": []}
                servers_of_page = ["base", "this"]
                if peer and page == load.OUR_PAGE:
                    results["peer"] = []
                    servers_of_page.append("peer")
                for round_ in range(args.rounds):
                    # Alternate who goes first, so a drift of the machine favours neither.
                    for name in servers_of_page if round_ % 2 == 0 else servers_of_page[::-1]:
                        base_url = f"http://{load.HOST}:{trees[name][2]}" if name != "peer" else ""
                        target = pages[name][page] if name != "peer" else peer
                        asyncio.run(load.drive(base_url, target, connections, 0.5, "sessionid"))
                        results[name].append(
                            asyncio.run(load.drive(base_url, target, connections, args.seconds, "sessionid"))
                        )
                rps = {name: statistics.mean(r.rps for r in rs) for name, rs in results.items()}
                p95 = {name: statistics.median(r.pct(95) for r in rs) for name, rs in results.items()}
                errors = sum(r.errors for rs in results.values() for r in rs)
                line = (
                    f"| {page} | {connections} | {rps['base']:.0f} | {rps['this']:.0f} | "
                    f"{rps['this'] / rps['base'] if rps['base'] else 0:.2f} | {p95['base']:.1f} | {p95['this']:.1f} |"
                )
                print(line + (f" errors: {errors}" if errors else ""), flush=True)
                if rps.get("peer"):
                    versus.append(
                        f"| {connections} | {rps['peer']:.0f} | {rps['base'] / rps['peer']:.2f} | "
                        f"{rps['this'] / rps['peer']:.2f} | {p95['peer']:.1f} |"
                    )
        if versus:
            print(f"\n{load.OUR_PAGE} over the {load.PEER_PAGE} (issue 17, target ≥ 1×), same rounds:\n")
            print("| conns | peer req/s | base ÷ peer | this ÷ peer | peer p95 ms |\n|---:|---:|---:|---:|---:|")
            print("\n".join(versus), flush=True)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
