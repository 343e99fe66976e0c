"""The `export`, `shop-settings` and `never-suggest` subcommands: what goes into a mailing, and how.

engine/cli/__init__.py registers them with `add_commands(commands)`.
"""

from __future__ import annotations

from engine.cli.common import OK, add_db_argument, print_progress
from engine.db import open_shop
from engine.jobs import Refused


def add_commands(subparsers) -> None:
    from engine.export import DEFAULT_PRODUCTS, PRESETS
    p = subparsers.add_parser(
        "export", help="save suggestions and reasons as a CSV for a mailing tool or a spreadsheet")
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--preset", choices=[*PRESETS, "rows", "customers"], default="rows",
                   help="klaviyo, mailchimp, plain: one row per contact for a mailing tool (only contacts "
                        "with an e-mail who accept marketing; suggestions sent before are left out); "
                        "rows: one row per suggestion; customers: one row per customer (default rows)")
    p.add_argument("--all", action="store_true",
                   help="every suggestion not rejected, not only those whose reason you approved or wrote")
    p.add_argument("--include-unknown-consent", action="store_true",
                   help="mailing presets: also contacts whose consent to marketing is unknown "
                        "(never those who said no)")
    p.add_argument("--include-sent", action="store_true",
                   help="mailing presets: also suggestions an earlier mailing export held")
    p.add_argument("--products", type=int, default=DEFAULT_PRODUCTS,
                   help=f"mailing presets: products per contact (default {DEFAULT_PRODUCTS})")
    p.add_argument("--columns", help="rows/customers: comma-separated columns (default: the usual ones)")
    add_db_argument(p)
    p.set_defaults(handler=cmd_export)

    p = subparsers.add_parser("shop-settings",
                              help="show or set the shop's web address (product links) and currency")
    p.add_argument("--url", help="e.g. https://myshop.com; product links become URL/products/HANDLE")
    p.add_argument("--currency", help="e.g. EUR, GBP, USD (default: the one the orders name)")
    add_db_argument(p)
    p.set_defaults(handler=cmd_shop_settings)
    add_never_suggest_command(subparsers)


def cmd_export(args) -> int:
    from engine import export
    db = open_shop(args.db, create=False)
    try:
        if args.preset in export.PRESETS:
            plan = export.export_mailing(
                db, args.file, args.preset, only_approved=not args.all,
                include_unknown_consent=args.include_unknown_consent, include_sent=args.include_sent,
                products=args.products, progress=print_progress)
            print(f"Saved to {args.file}: {plan.in_words()}")
            if plan.consent_unknown:
                print("--include-unknown-consent includes those who never said whether they accept marketing.")
            if plan.already_sent:
                print("--include-sent includes suggestions sent before.")
            return OK
        columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
        per = "customer" if args.preset == "customers" else "recommendation"
        rows = export.export_recommendations(db, args.file, columns=columns, only_approved=not args.all,
                                             per=per, progress=print_progress)
    except ValueError as exc:
        raise Refused(str(exc)) from exc
    print(f"Saved {rows:,} lines to {args.file}.")
    return OK


def cmd_shop_settings(args) -> int:
    from engine.products import base_url, set_base_url
    from engine.queries import set_shop_currency, shop_currency
    db = open_shop(args.db, create=False)
    try:
        if args.url is not None:
            set_base_url(db, args.url)
        if args.currency is not None:
            set_shop_currency(db, args.currency)
    except ValueError as exc:
        raise Refused(str(exc)) from exc
    print(f"Web address: {base_url(db) or 'not set (--url https://myshop.com sets it)'}")
    print(f"Currency:    {shop_currency(db) or 'not known (--currency EUR sets it)'}")
    return OK


def add_never_suggest_command(subparsers) -> None:
    from engine.exclusions import RULE_KINDS
    p = subparsers.add_parser("never-suggest", help="products never to suggest: list, add or remove rules")
    p.add_argument("action", nargs="?", choices=["list", "add", "remove", "reset"], default="list")
    p.add_argument("kind", nargs="?", choices=list(RULE_KINDS), help="what the rule looks at")
    p.add_argument("pattern", nargs="?", help="the SKU, words of the name, tag or vendor; * for any text")
    add_db_argument(p)
    p.set_defaults(handler=cmd_never_suggest)


def cmd_never_suggest(args) -> int:
    from engine import exclusions
    db = open_shop(args.db, create=False)
    current = exclusions.rules(db)
    try:
        if args.action in ("add", "remove"):
            if not args.kind or not args.pattern:
                raise Refused(f"never-suggest {args.action} needs a kind and a pattern, e.g. "
                              f"never-suggest {args.action} name \"gift card\".")
            rule = (args.kind, args.pattern.strip())
            if args.action == "add":
                exclusions.set_rules(db, current + [rule])
            elif rule not in current:
                raise Refused(f"There is no rule {args.kind} '{args.pattern}'.")
            else:
                exclusions.set_rules(db, [r for r in current if r != rule])
        elif args.action == "reset":
            exclusions.set_rules(db, exclusions.DEFAULT_RULES)
    except ValueError as exc:
        raise Refused(str(exc)) from exc
    for kind, pattern in exclusions.rules(db):
        print(f"{exclusions.RULE_KINDS[kind]:<15}{pattern}")
    excluded = exclusions.excluded_products(db)
    print(f"{len(excluded):,} products are never suggested (from the next \"recommend\" run on).")
    return OK
