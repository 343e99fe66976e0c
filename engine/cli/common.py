"""What every command shares: the --db argument, progress on the terminal, and the exit codes.

A command returns OK or raises: `engine.jobs.Refused` (and its kinds: a refused file, a file that
is not a shop, too little data, no model) ends as REFUSED with one "Error: ..." line; a cancel
(Ctrl-C or `Cancelled`) ends as CANCELLED. `engine.cli.main` turns them into the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys

from engine.jobs import Progress

OK, REFUSED, USAGE, CANCELLED = 0, 1, 2, 130   # 2 is also what argparse exits with on a bad argument


def default_db() -> str:
    return os.environ.get("SHOPWISE_DB", "shop.db")


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=default_db(),
                        help="shop database file (default: $SHOPWISE_DB or shop.db)")


def print_progress(p: Progress) -> None:
    if sys.stderr.isatty():
        pct = f"{100 * p.fraction:3.0f}% " if p.fraction is not None else ""
        print(f"\r{pct}{p.message}".ljust(60), end="", file=sys.stderr, flush=True)
