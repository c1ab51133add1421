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
from typing import Any


def configure_central_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8700, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="the database: a SQLite file (created if missing) or a PostgreSQL URL postgresql://USER@HOST:PORT/DB"
        " (also KIOSK_CENTRAL_DATABASE_URL, which keeps a password off the command line); with --demo, a"
        " temporary SQLite file by default",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes serving the same database (default: %(default)s; about one per core). The demo's"
        " clock cannot be moved with more than one.",
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
    if args.workers < 1:
        print("kiosk central: --workers is at least 1", file=sys.stderr)
        return 2
    target = args.db or os.environ.get("KIOSK_CENTRAL_DATABASE_URL") or None
    with tempfile.TemporaryDirectory(prefix="kiosk-central-") as scratch:
        if target is None and not args.demo:
            print(
                "kiosk central: --db PATH_OR_URL (or KIOSK_CENTRAL_DATABASE_URL) is required without --demo",
                file=sys.stderr,
            )
            return 2
        settings = ServerSettings(
            database=target or str(Path(scratch) / "central.db"),
            tokens=tokens,
            demo=args.demo,
            payment_ttl=timedelta(seconds=args.payment_ttl),
            workers=args.workers,
        )
        try:
            # Here, once, before any worker starts: the schema is created or migrated by one process.
            app = create_app(settings)
        except Exception as exc:
            from kiosk_central.db import redacted

            # The database cannot be reached, or was made by another version: said in one line, no password.
            print(f"kiosk central: {redacted(' '.join(str(exc).split()))}", file=sys.stderr)
            return 1
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
        print(f"kiosk central: data in {app.state.database.description}, {args.workers} worker(s)")
        sys.stdout.flush()
        common: dict[str, Any] = {
            "log_level": "warning",
            "access_log": False,
            "date_header": False,  # the app's own, from its clock (kiosk_central.date_header)
            "ssl_certfile": args.tls_cert,
            "ssl_keyfile": args.tls_key,
            # A stop (systemd's SIGTERM) waits this long for the requests in hand, then ends them: a kiosk's long
            # poll would otherwise hold it for up to 30 s. The kiosk asks again, of the central that replaces it.
            "timeout_graceful_shutdown": STOP_GRACE_SECONDS,
        }
        if args.workers == 1:
            uvicorn.Server(uvicorn.Config(app, **common)).run(sockets=[sock])
            return 0
        from uvicorn.supervisors import Multiprocess

        app.state.database.close()  # the workers open their own
        # Each worker is a fresh interpreter (spawned) that builds its app from these settings; the tokens go by
        # the environment, as KIOSK_CENTRAL_TOKENS does, never on a command line.
        os.environ[_WORKER_SETTINGS] = json.dumps(
            {
                "database": str(settings.database),
                "demo": args.demo,
                "payment_ttl": args.payment_ttl,
                "workers": args.workers,
                "tokens": {token: [g.kiosk_id, g.fleet] for token, g in tokens.items()},
            }
        )
        config = uvicorn.Config(f"{__name__}:worker_app", factory=True, workers=args.workers, **common)
        Multiprocess(config, sockets=[sock]).run()
    return 0


_WORKER_SETTINGS = "KIOSK_CENTRAL_WORKER_SETTINGS"
STOP_GRACE_SECONDS = 5


def worker_app() -> Any:
    """The app of one worker process of `kiosk central --workers N` (uvicorn calls this in each)."""
    from kiosk_central.app import ServerSettings, create_app
    from kiosk_central.grants import Grant

    given = json.loads(os.environ[_WORKER_SETTINGS])
    tokens = {
        token: Grant(kiosk_id=kiosk_id, fleet=fleet) for token, (kiosk_id, fleet) in given["tokens"].items()
    }
    settings = ServerSettings(
        database=given["database"],
        tokens=tokens,
        demo=given["demo"],
        payment_ttl=timedelta(seconds=given["payment_ttl"]),
        workers=given["workers"],
    )
    return create_app(settings)


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
