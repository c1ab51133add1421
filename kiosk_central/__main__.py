"""``python -m kiosk_central``: the same as ``kiosk central``."""

import argparse
import sys

from kiosk_central.cli import configure_central_parser

parser = argparse.ArgumentParser(prog="python -m kiosk_central")
configure_central_parser(parser)
args = parser.parse_args()
sys.exit(args.handler(args))
