"""The ``kiosk`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import kiosk
from kiosk_central import cli as central_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk for electricity customers, and its reference central server.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {kiosk.__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    central_cli.configure_central_parser(
        commands.add_parser(
            "central",
            help="run the reference central server (FastAPI + SQLite)",
            description="Run the reference central server: the power company's central API for kiosks.",
        )
    )
    central_cli.configure_demo_customers_parser(
        commands.add_parser(
            "demo-customers",
            help="list the demo customers and what each one shows",
            description="List the customers that `kiosk central --demo` seeds, and what each demonstrates.",
        )
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
