"""Run every fault drill, one after another, and print a PASS/FAIL line for each.

.venv/bin/python -m benchmarks.drills            # all six, about 25 minutes
.venv/bin/python -m benchmarks.drills.two_beats  # or one of them
"""

from __future__ import annotations

import subprocess
import sys

DRILLS = ["redis_down", "pg_restart", "worker_killed", "two_beats", "risk_signals", "hosts"]


def main() -> int:
    results = {}
    for name in DRILLS:
        print(f"\n===== {name} =====", flush=True)
        results[name] = subprocess.run([sys.executable, "-m", f"benchmarks.drills.{name}"], check=False).returncode
    print("\n===== fault drills =====")
    for name, code in results.items():
        print(f"  {'PASS' if code == 0 else 'FAIL'}  {name}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
