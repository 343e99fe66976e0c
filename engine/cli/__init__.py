"""Headless command line: `python main.py COMMAND`. Everything the app does, without a screen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine import clock
from engine.cli.common import CANCELLED, OK, REFUSED, USAGE, add_db_argument, print_progress
from engine.db import open_shop
from engine.jobs import Cancelled, Refused


def cmd_import(args) -> int:
    from engine.ingest import import_file
    from engine.ingest.report import reports_to_csv

    db = open_shop(args.db)
    mapping = mapping_from_arguments(args.map, args.date_order, args.profile) if args.map else None
    reports = []
    try:
        for path in args.files:
            report = import_file(db, path, profile=args.profile, mapping=mapping, sheet=args.sheet,
                                 progress=print_progress)
            reports.append(report)
            if sys.stderr.isatty():
                print(file=sys.stderr)
            print("\n".join(report.summary_lines()))
    finally:  # the files imported before a refused one are in the shop: their rows belong in the report
        if args.report and reports:
            reports_to_csv(reports, args.report)
            print(f"Full report of {len(reports)} file{'s' if len(reports) != 1 else ''} saved to {args.report}.")
    return OK


def mapping_from_arguments(items: list[str], date_order: str, profile: str | None = None):
    """The owner's `--map FIELD=COLUMN` arguments as an order mapping, or a catalogue mapping when the
    fields are a catalogue's (or `--profile catalogue`); Refused, naming the valid fields, otherwise."""
    from engine.ingest.catalogue import CATALOGUE_FIELDS, CatalogueMapping
    from engine.ingest.layouts import MAPPING_FIELDS, ColumnMapping
    order_fields = [name for name, _, _ in MAPPING_FIELDS]
    catalogue_fields = [name for name, _, _ in CATALOGUE_FIELDS]
    pairs = {}
    for item in items:
        field, sep, column = item.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise Refused(f"--map {item}: write it as FIELD=COLUMN, e.g. --map ordered_at=Date.")
        pairs[field] = column
    catalogue = profile == "catalogue" or (set(pairs) <= set(catalogue_fields)
                                           and not set(pairs) <= set(order_fields))
    valid = catalogue_fields if catalogue else order_fields
    unknown = [f for f in pairs if f not in valid]
    if unknown:
        raise Refused(f"--map: '{unknown[0]}' is not a field. Valid fields for orders: {', '.join(order_fields)}; "
                      f"for a product catalogue: {', '.join(catalogue_fields)}.")
    if catalogue:
        return CatalogueMapping(**pairs)
    return ColumnMapping(**pairs, date_order=date_order)


def cmd_stats(args) -> int:
    from engine.queries import shop_stats
    db = open_shop(args.db, create=False)
    for label, value in shop_stats(db):
        print(f"{label:<28}{value}")
    return OK


def cmd_backup(args) -> int:
    from engine.backup import copy_shop
    db = open_shop(args.db, create=False)
    target = Path(args.to)
    if target.is_dir():
        target = target / f"{Path(args.db).stem} {clock.parse(clock.now()).astimezone():%Y-%m-%d %H-%M-%S}.shopwise"
    if target.exists():
        raise Refused(f"{target} already exists; choose another name, so that no backup is overwritten.")
    copy_shop(db.conn, target, progress=print_progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Backed up {args.db} to {target} ({target.stat().st_size / 1e6:.1f} MB).")
    return OK


def _prog() -> str:
    """How Shopwise was started, for its usage lines: `python main.py`, `shopwise-cli`, `shopwise`."""
    name = Path(sys.argv[0]).name
    return "python main.py" if name in ("main.py", "") else name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="Shopwise: product recommendations with personal reasons for small shops. "
                    "Without a command, the desktop app opens.")
    parser.add_argument("--self-test", action="store_true",
                        help="run the whole pipeline on the bundled demo shop in a temporary folder "
                             "(import, recommend, train a tiny model, reasons, export); exit 0 if it works")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("import", help="import order or product (catalogue) CSV files or Excel workbooks")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--profile", help="layout: shopify, uci_retail, groceries, till, woocommerce, "
                                     "amazon_reviews, generic, catalogue (default: detected)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="own layout: which column holds a field, e.g. --map ordered_at=Date "
                        "--map product_name=Item --map customer_id=Member (repeat); for a product list "
                        "--map name=name --map sku=sku --map vendor=supplier_name. Remembered for files "
                        "with the same columns")
    p.add_argument("--date-order", default="auto", choices=["auto", "dmy", "mdy", "ymd"],
                   help="date order when the file cannot tell (default: detected)")
    p.add_argument("--sheet", help="Excel workbooks (.xlsx): the sheet to import (default: the first)")
    p.add_argument("--report", metavar="CSV", help="save every skipped or flagged row to this CSV")
    add_db_argument(p)
    p.set_defaults(handler=cmd_import)

    p = commands.add_parser("backup", help="write a consistent copy of the shop (safe while the app is open)")
    p.add_argument("--to", required=True, metavar="PATH",
                   help="the backup file, or a folder to put it in (named after the shop and the time)")
    add_db_argument(p)
    p.set_defaults(handler=cmd_backup)

    p = commands.add_parser("stats", help="what the shop database holds")
    add_db_argument(p)
    p.set_defaults(handler=cmd_stats)

    from engine.cli.export import add_commands as add_export_commands
    from engine.cli.recommend import add_commands as add_recommend_commands
    from engine.reasons_commands import add_commands as add_reason_commands
    add_recommend_commands(commands)
    add_export_commands(commands)
    add_reason_commands(commands)
    return parser


def command_names() -> set[str]:
    """The headless commands' names: an argument that is none of them is a file to open in the app."""
    parser = build_parser()
    return {name for action in parser._subparsers._group_actions for name in action.choices}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from engine.selftest import main as self_test
        return self_test()
    if not getattr(args, "handler", None):
        parser.print_help()
        return USAGE
    try:
        return args.handler(args)
    except Refused as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return REFUSED
    except Cancelled:
        print("Cancelled; nothing was changed.", file=sys.stderr)
        return CANCELLED
    except KeyboardInterrupt:
        print("\nInterrupted; nothing was changed.", file=sys.stderr)
        return CANCELLED
