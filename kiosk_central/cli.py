"""``kiosk central`` and ``kiosk demo-customers``.

This module imports only the standard library at import time, so that ``kiosk --help`` and the
kiosk's own start-up do not pay for loading the server.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import sys
import tempfile
from datetime import timedelta
from pathlib import Path


def configure_central_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8700, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--db",
        type=Path,
        help="SQLite database file (created if missing); with --demo, a temporary one by default",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="seed the demo dataset into a new database and enable the /v1/sim endpoints (bank, SMS, clock)",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="KIOSK_ID=TOKEN",
        help="a kiosk's bearer token, bound to that kiosk's id (repeatable; also KIOSK_CENTRAL_TOKENS,"
        " comma-separated). With --demo and no token, one is generated for the demo kiosk and printed.",
    )
    parser.add_argument(
        "--fleet-token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="an office token that reads the fleet (GET /v1/fleet) and serves no customer (repeatable; also"
        " KIOSK_CENTRAL_FLEET_TOKENS, comma-separated)",
    )
    parser.add_argument(
        "--payment-ttl", type=int, default=900, metavar="SECONDS", help="how long a payment QR is valid"
    )
    parser.add_argument(
        "--tls-cert",
        type=Path,
        metavar="PEM",
        help="serve https:// with this certificate (its chain after it); needs --tls-key",
    )
    parser.add_argument(
        "--tls-key", type=Path, metavar="PEM", help="the private key of --tls-cert (unencrypted PEM)"
    )
    parser.set_defaults(handler=run_central)


def run_central(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk_central.app import ServerSettings, create_app

    if (args.tls_cert is None) != (args.tls_key is None):
        print("kiosk central: give --tls-cert and --tls-key together", file=sys.stderr)
        return 2
    for pem in (args.tls_cert, args.tls_key):
        if pem is not None and not pem.is_file():
            print(f"kiosk central: {pem} is not a file", file=sys.stderr)
            return 2
    from kiosk_central.demo import DEMO_KIOSK_ID
    from kiosk_central.grants import TokenError, all_grants, fleet_grants, kiosk_grants

    def listed(variable: str) -> list[str]:
        return [item for item in os.environ.get(variable, "").split(",") if item]

    pairs = [*args.token, *listed("KIOSK_CENTRAL_TOKENS")]
    generated = None
    if not pairs:
        if not args.demo:
            print(
                "kiosk central: give at least one --token KIOSK_ID=TOKEN (or KIOSK_CENTRAL_TOKENS)",
                file=sys.stderr,
            )
            return 2
        generated = secrets.token_urlsafe(18)
        pairs = [f"{DEMO_KIOSK_ID}={generated}"]
    try:
        tokens = all_grants(
            kiosk_grants(pairs), fleet_grants([*args.fleet_token, *listed("KIOSK_CENTRAL_FLEET_TOKENS")])
        )
    except TokenError as exc:
        print(f"kiosk central: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kiosk-central-") as scratch:
        if args.db is None and not args.demo:
            print("kiosk central: --db PATH is required without --demo", file=sys.stderr)
            return 2
        db_path = args.db or Path(scratch) / "central.db"
        settings = ServerSettings(
            database=db_path,
            tokens=tokens,
            demo=args.demo,
            payment_ttl=timedelta(seconds=args.payment_ttl),
        )
        app = create_app(settings)
        # Named IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections whose
        # socket says TCP. Without it every answer to a kiosk's kept-alive connection waited ~40 ms for the
        # kiosk's delayed ACK between its headers and its body (measured: 44 ms a request, 0.9 ms with it).
        sock = socket.socket(
            socket.AF_INET6 if ":" in args.host else socket.AF_INET, proto=socket.IPPROTO_TCP
        )
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
        # Listening before uvicorn starts: connections made after the line below wait in the backlog.
        sock.listen(128)
        port = sock.getsockname()[1]
        host = f"[{args.host}]" if ":" in args.host else args.host
        scheme = "https" if args.tls_cert is not None else "http"
        print(
            f"kiosk central: listening on {scheme}://{host}:{port} ({'demo' if args.demo else 'production'})"
        )
        if generated:
            print(f"kiosk central: demo token {generated} (kiosk {DEMO_KIOSK_ID})")
        # After the address and the token, which the demo kiosk and the tests read as the first lines.
        print(f"kiosk central: the kiosks, for the office: {scheme}://{host}:{port}/fleet")
        sys.stdout.flush()
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            date_header=False,  # the app's own, from its clock (kiosk_central.date_header)
            ssl_certfile=args.tls_cert,
            ssl_keyfile=args.tls_key,
        )
        server = uvicorn.Server(config)
        server.run(sockets=[sock])
    return 0


def configure_demo_customers_parser(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    group.add_argument("--markdown", action="store_true", help="print the README's table")
    parser.set_defaults(handler=run_demo_customers)


def demo_customers_markdown() -> str:
    from kiosk_central.accounts import corporation_of
    from kiosk_central.demo import CUSTOMERS

    lines = ["| Customer code | Corporation | Name | What it shows |", "|---|---|---|---|"]
    lines += [f"| `{c.code}` | {corporation_of(c.code).code} | {c.name} | {c.shows} |" for c in CUSTOMERS]
    return "\n".join(lines) + "\n"


def run_demo_customers(args: argparse.Namespace) -> int:
    from kiosk_central.accounts import corporation_of
    from kiosk_central.demo import CUSTOMERS

    if args.markdown:
        print(demo_customers_markdown(), end="")
    elif args.json:
        rows = [
            {
                "code": c.code,
                "corporation": corporation_of(c.code).code,
                "name": c.name,
                "district_unit": c.district_unit,
                "households": c.households,
                "remote_read": c.remote_read,
                "unpaid_bills": c.unpaid_bills,
                "shows": c.shows,
            }
            for c in CUSTOMERS
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for c in CUSTOMERS:
            print(f"{c.code}  {corporation_of(c.code).code:<8}  {c.name:<16}  {c.shows}")
    return 0
