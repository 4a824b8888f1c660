"""``mailoptout status`` at campaign scale, beside its floor.

A mirror holds five listable lists of ``--entries`` entries each (NAVER unsubscribers;
EngageLab unsubscribes, complaints, blocks with some domains, the allow-list), as a full
refresh leaves it; a campaign file holds ``--addresses`` addresses, some on each list. Timed,
each in a fresh process, median of ``--rounds``:

- ``status``: the installed console script, ``--file`` with the per-address lists skipped and a
  fresh mirror (``--max-age``: no request at all), rows to a file, text and ``--json``;
- ``library``: :func:`mailoptout.may_i_mail` over the same file, answers counted, not written;
- ``floor``: a plain loop that reads the file, keys each address with ``address_key``, checks
  the address and its domain in five sets and writes one row per address.

    python bench/status.py              # 1,000,000 addresses, lists of 20,000 (a minute or two)
    python bench/status.py --quick      # 20,000 addresses, lists of 2,000 (a few seconds)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mailoptout._identity import address_key
from mailoptout._lists import LISTS, Entry
from mailoptout._mirror import Mirror

HERE = Path(__file__).resolve().parent
SCRIPT = str(Path(sys.executable).with_name("mailoptout"))
DOMAINS = 1000
BLOCKED_DOMAINS = 10

FLOOR = """
import sys
from mailoptout._identity import address_key
sets = [set(open(f).read().split()) for f in sys.argv[3:]]
with open(sys.argv[1]) as lines, open(sys.argv[2], "w") as out:
    rows = []
    for line in lines:
        address = line.strip()
        key = address_key(address)
        domain = key[key.rfind("@") + 1 :]
        hit = any(key in s or domain in s for s in sets)
        rows.append(f"{address}\\t{'must_not' if hit else 'may_mail'}\\n")
        if len(rows) == 1000:
            out.write("".join(rows))
            rows.clear()
    out.write("".join(rows))
"""

LIBRARY = """
import datetime as dt, sys
from mailoptout import Mirror, may_i_mail
from mailoptout._lookups import PER_ADDRESS
with Mirror.open(sys.argv[2], read_only=True) as mirror, open(sys.argv[1]) as lines:
    answers = may_i_mail(
        (line.strip() for line in lines), mirror=mirror, max_age=dt.timedelta(days=1),
        skip=PER_ADDRESS,
    )
    print(sum(1 for a in answers if a.word == "must_not"))
"""


def address(i: int) -> str:
    return f"user{i:07d}@domain{i % DOMAINS:04d}.example"


def build(folder: Path, addresses: int, entries: int) -> tuple[Path, Path, list[Path]]:
    """The campaign file, the mirror, and one key file per list (for the floor)."""
    campaign = folder / "campaign.txt"
    with campaign.open("w") as out:
        out.writelines(f"{address(i)}\n" for i in range(addresses))
    now = dt.datetime.now(dt.UTC)
    later = now + dt.timedelta(days=365)
    refs = [ref for ref in LISTS if ref.listable]
    keys: list[Path] = []
    with Mirror.open(folder / "mirror.sqlite3") as mirror:
        for n, ref in enumerate(refs):
            # half the entries are campaign addresses (a different half per list), half not
            inside = [address((n * 7919 + j * 97) % addresses) for j in range(entries // 2)]
            outside = [f"other{n}-{j}@elsewhere.example" for j in range(entries - len(inside))]
            chosen = inside + outside
            if ref.name == "blocks":  # a few whole domains
                chosen[:BLOCKED_DOMAINS] = [
                    f"domain{d:04d}.example" for d in range(BLOCKED_DOMAINS)
                ]
            rows = [
                Entry(ref.provider, ref.name, e, address_key(e), now, later, None, None)
                for e in chosen
            ]
            with mirror._step():  # as a full refresh leaves a list
                mirror.db.execute(
                    "INSERT INTO lists (provider, list, generation, complete, refreshed_at)"
                    " VALUES (?, ?, 1, 1, ?)",
                    (ref.provider, ref.name, now.isoformat()),
                )
            mirror._save(rows, 1)
            path = folder / f"{ref.provider}-{ref.name}.keys"
            path.write_text("\n".join(r.key for r in rows))
            keys.append(path)
    return campaign, folder / "mirror.sqlite3", keys


def timed(command: list[str], env: dict[str, str], sink: Path | None) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(sink or os.devnull, "w") as out:
        subprocess.run(command, check=True, env=env, stdout=out)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 addresses, lists of 2,000")
    parser.add_argument("--addresses", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.quick:
        args.addresses, args.entries, args.rounds = 20_000, 2_000, 1
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NCLOUD_", "ENGAGELAB_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode caches
    env["MAILOPTOUT_PROFILE"] = os.devnull
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        campaign, store, keys = build(folder, args.addresses, args.entries)
        setup = time.perf_counter() - started
        out = str(folder / "out")
        status = [SCRIPT, "-q", "status", "--file", str(campaign), "--skip-per-address"]
        status += ["--max-age", "1d", "--store", str(store)]
        candidates = {
            "status, text rows": [*status],
            "status, --json": [*status, "--json"],
            "library (may_i_mail)": [sys.executable, "-c", LIBRARY, str(campaign), str(store)],
            "floor": [sys.executable, "-c", FLOOR, str(campaign), out, *map(str, keys)],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in candidates}
        for _ in range(args.rounds):
            for name, command in candidates.items():
                sink = Path(out) if name.startswith("status") else None
                times[name].append(timed(command, env, sink))
                if sink is not None:
                    with sink.open() as written:
                        rows = sum(1 for _ in written)
                    assert rows == args.addresses + (name == "status, text rows"), rows
    floor = statistics.median(wall for wall, _ in times["floor"])
    floor_cpu = statistics.median(cpu for _, cpu in times["floor"])
    print(
        f"== status of {args.addresses:,} addresses, {len(keys)} mirrored lists of"
        f" {args.entries:,} entries, per-address lists skipped (setup {setup:.1f} s,"
        f" median of {args.rounds}, each a fresh process)"
    )
    print(f"{'':<22} {'wall':>9}  {'':>11}  {'min':>7}  {'cpu':>9}  {'':>11}")
    for name, values in times.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(
            f"{name:<22} {wall:7.2f} s  {wall / floor:5.2f}x floor  {min(values)[0]:5.2f} s"
            f"  {cpu:7.2f} s  {cpu / floor_cpu:5.2f}x floor"
        )
    print("target: status with text rows in at most 10 s (wall) on a 2-core machine")


if __name__ == "__main__":
    main()
