"""The ``kpi import`` and ``kpi init`` subcommands."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]

_IMPORT_HELP = """\
Sources: hubspot (deals), hubspot-contacts, salesforce (opportunity report, then
optionally the opportunity history report), pipedrive (deals), google-ads,
meta-ads, linkedin-ads. The first import writes DIR/mapping-SOURCE.toml: edit
it (stages, pipelines, sources, campaigns) and run again with --map.
csv reads any other CRM export through the mapping you write (--map is
required; [[join]] adds another file's columns on a key).
See docs/importing.md."""


def _import(args: argparse.Namespace) -> int:
    from kpilib.importers import import_exports, load_rates

    dates = "day-first" if args.day_first else "month-first" if args.month_first else "auto"
    result = import_exports(
        args.source,
        args.files,
        out=args.out,
        mapping=args.map,
        dates=dates,
        timezone=args.timezone,
        rates=load_rates(args.rates) if args.rates else None,
        currency=args.currency,
    )
    print(f"{args.out}: {len(result.frame)} {result.table} rows written and validated.")
    for note in result.notes:
        print(f"note: {note}")
    if result.mapping_path:
        print(
            f"Mapping written to {result.mapping_path}: check it, edit it, and run again "
            f"with --map {result.mapping_path}."
        )
    return 0


def _init(args: argparse.Namespace) -> int:
    from kpilib.importers.templates import init_templates

    for path in init_templates(args.dir, force=args.force):
        print(path)
    print("Fill the target column of targets.csv and gross_margin_rate in kpi.toml.")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``import`` and ``init`` subcommands to an argparse *subparsers* object.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="kpi")
    >>> register(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["import", "hubspot", "deals.csv", "--out", "acme"])
    >>> args.source, args.files, args.out, args.map, args.func.__name__
    ('hubspot', ['deals.csv'], 'acme', None, '_import')
    """
    from kpilib.importers import SOURCES

    p = subparsers.add_parser(
        "import",
        help="turn CRM or ad-platform exports into a dataset folder",
        description="Turn CRM or ad-platform exports into a canonical dataset folder, "
        "then validate it.",
        epilog=_IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", choices=list(SOURCES), metavar="SOURCE", help="export kind")
    p.add_argument("files", nargs="+", metavar="FILE", help="exported file(s), CSV or .xlsx")
    p.add_argument("--out", required=True, metavar="DIR", help="dataset folder to write")
    p.add_argument("--map", default=None, metavar="TOML", help="edited mapping file")
    order = p.add_mutually_exclusive_group()
    order.add_argument("--day-first", action="store_true", help="dates like 03/04 are 3 April")
    order.add_argument("--month-first", action="store_true", help="dates like 03/04 are 4 March")
    p.add_argument(
        "--timezone", default=None, help="IANA zone to keep times in, such as Europe/Paris"
    )
    p.add_argument("--rates", default=None, metavar="CSV", help="rate table: currency,rate")
    p.add_argument("--currency", default=None, help="dataset currency (ISO code) for --rates")
    p.set_defaults(func=_import)

    p = subparsers.add_parser(
        "init",
        help="write targets.csv and kpi.toml templates into a dataset folder",
        description="No tool exports targets or gross margin: write templates to fill.",
    )
    p.add_argument("dir", help="dataset folder holding leads.csv")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.set_defaults(func=_init)
