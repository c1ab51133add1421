"""The ``kiosk`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

import kiosk
from kiosk_central import cli as central_cli

# (name, help, module, function that adds the subcommand's arguments and sets `handler`). Each module is
# imported only when its command runs: `kiosk central` must not pay for importing Qt.
_KIOSK_COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("run", "run the kiosk (the default command)", "kiosk.cli", "_configure_run"),
    (
        "doctor",
        "check this kiosk's installation, one line per check",
        "kiosk.shell.doctor",
        "configure_doctor_parser",
    ),
    (
        "start-fresh",
        "accept starting a refused journal empty, after staff checked the central's records",
        "kiosk.shell.start_fresh",
        "configure_parser",
    ),
    (
        "print-test",
        "print a test page and report the printer's status",
        "kiosk.shell.print_test",
        "configure_parser",
    ),
    (
        "screenshots",
        "render every screen to PNG, in both languages, at three panel sizes",
        "kiosk.demo.gallery",
        "configure_parser",
    ),
    (
        "check-layout",
        "measure the layout rule on every screen, text size, panel size, language and theme",
        "kiosk.demo.layout_audit",
        "configure_parser",
    ),
    (
        "display-session",
        "run a compositor (cage) with the kiosk inside, and exit with the kiosk's own status",
        "kiosk.shell.display_session",
        "configure_parser",
    ),
)


def _configure_run(parser: argparse.ArgumentParser) -> None:
    from kiosk.shell.run import configure_run_parser

    configure_run_parser(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    """`kiosk run`: the demo (its own central, keys and previews) or a real kiosk. The demo builds on the shell,
    so the choice is made here, above both."""
    if args.demo:
        from kiosk.demo.run import run_demo

        return run_demo(args)
    from kiosk.shell.run import run_kiosk

    return run_kiosk(args)


def build_parser(configure_command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line. Only `configure_command` (the one being run) imports its module to add its
    arguments; the others list just their help line."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk for electricity customers, and its reference central server.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {kiosk.__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, help_text, module, configure in _KIOSK_COMMANDS:
        sub = commands.add_parser(
            name, help=help_text, description=help_text[0].upper() + help_text[1:] + "."
        )
        if name == configure_command:
            getattr(import_module(module), configure)(sub)
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
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "run")  # `kiosk` and `kiosk --demo` mean `kiosk run ...`
    parser = build_parser(configure_command=argv[0])
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
