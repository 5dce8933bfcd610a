#!/usr/bin/python3
"""Re-run one seed of the differential test against both servers and print the first mismatch.

    /usr/bin/python3 tests/differential/replay.py --seed 123 --commands 4567
    DIFF_SEED=123 DIFF_COMMANDS=4567 /usr/bin/python3 tests/differential/replay.py
    ... --against-redis                 second server is another redis-server (harness check)
    ... --families strings,keyspace     only these families (or --skip-families / --strings-only)
    ... --trace /tmp/trace.txt          write every command and redis-server's reply
    ... --memkeydb build-asan/memkeydb-server

Every option defaults to the DIFF_* environment variable the pytest test reads, so the
"replay:" line of a mismatch report can be pasted as it is. Exit status: 0 when no
mismatch was found, 1 on a mismatch, 2 on a usage or start-up error.
"""

import argparse
import os
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import test_differential as td  # noqa: E402
from helpers import servers  # noqa: E402


def main(argv=None) -> int:
    env = os.environ
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=int(env["DIFF_SEED"]) if env.get("DIFF_SEED") else None,
                   help="seed to replay (default: $DIFF_SEED)")
    p.add_argument("--commands", type=int, default=int(env.get("DIFF_COMMANDS", "50000")),
                   help="number of commands (default: $DIFF_COMMANDS or 50000)")
    p.add_argument("--families", default=env.get("DIFF_FAMILIES", ""),
                   help="comma list of families (default: all): " + ",".join(td.FAMILIES))
    p.add_argument("--skip-families", default=env.get("DIFF_SKIP_FAMILIES", ""))
    p.add_argument("--strings-only", action="store_true",
                   default=env.get("DIFF_STRINGS_ONLY", "") not in ("", "0"),
                   help="no non-string keys (skips the othertypes family)")
    p.add_argument("--against-redis", action="store_true",
                   default=env.get("DIFF_AGAINST_REDIS", "") not in ("", "0"),
                   help="compare with a second redis-server instead of memkeydb")
    p.add_argument("--b-args", default=env.get("DIFF_B_ARGS", ""),
                   help="extra arguments for the second server, one shell-quoted string")
    p.add_argument("--memkeydb", default=None, help="memkeydb-server binary (default: $MEMKEYDB_SERVER)")
    p.add_argument("--batch", type=int, default=int(env.get("DIFF_BATCH", "500")),
                   help="commands per pipelined batch; 1 sends them one by one")
    p.add_argument("--trace", default=env.get("DIFF_TRACE"), help="write every command and A's reply here")
    args = p.parse_args(argv)

    if args.seed is None:
        p.error("--seed (or DIFF_SEED) is required")
    if args.memkeydb:
        os.environ["MEMKEYDB_SERVER"] = os.path.abspath(args.memkeydb)
    fam_env = {"DIFF_FAMILIES": args.families, "DIFF_SKIP_FAMILIES": args.skip_families,
               "DIFF_STRINGS_ONLY": "1" if args.strings_only else ""}
    try:
        families = td.enabled_families(fam_env)
    except ValueError as e:
        p.error(str(e))

    print("replaying DIFF_SEED=%d DIFF_COMMANDS=%d families=%s B=%s"
          % (args.seed, args.commands, ",".join(families),
             "redis-server" if args.against_redis else servers.memkeydb_binary()), flush=True)
    trace = open(args.trace, "w") if args.trace else None
    try:
        d, elapsed = td.run_differential(args.seed, args.commands, families, args.against_redis,
                                         shlex.split(args.b_args), args.batch, trace=trace)
    except servers.ServerStartError as e:
        print("could not start a server: %s" % e, file=sys.stderr)
        return 2
    except td.Mismatch as e:
        print(str(e))
        return 1
    finally:
        if trace:
            trace.close()
    print("no mismatch: " + d.summary(elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
