"""Create console accounts.

    python -m kcc.staff create --username anna [--name "Anna"] [--role kcc|beheerder|admin]
                               [--municipality oldambt ...] [--password-stdin]
    python -m kcc.staff grant --username anna --municipality tynaarlo --role beheerder
    python -m kcc.staff revoke --username anna --municipality tynaarlo

Without --password-stdin the password is asked twice with getpass (never echoed, never in shell
history); with it, the first line of stdin is used (for scripts and tests).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional

from kcc.auth import StaffAuth
from kcc.config import ConsoleConfig
from kcc.models import ROLES


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Nogmaals: ") != first:
        raise ValueError("De wachtwoorden zijn niet gelijk.")
    return first


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kcc.staff",
                                     description="KCC-medewerkers beheren")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="maak een account voor de console")
    create.add_argument("--username", help="inlognaam (wordt gevraagd als die ontbreekt)")
    create.add_argument("--name", help="naam die de inwoner ziet, bijvoorbeeld 'Anna'")
    create.add_argument("--password-stdin", action="store_true",
                        help="lees het wachtwoord van stdin")
    create.add_argument("--role", choices=ROLES, default="kcc", help="rol (standaard kcc)")
    create.add_argument("--municipality", action="append", default=[],
                        help="gemeente (slug); mag vaker; standaard de gemeente van MUNICIPALITY")
    grant = sub.add_parser("grant", help="geef een rol in een gemeente")
    revoke = sub.add_parser("revoke", help="neem de toegang tot een gemeente af")
    for command in (grant, revoke):
        command.add_argument("--username", required=True)
        command.add_argument("--municipality", required=True)
    grant.add_argument("--role", choices=ROLES, required=True)
    args = parser.parse_args(argv)

    config = ConsoleConfig.from_env()
    auth = StaffAuth(config.database_url, default_municipality=config.municipality)
    try:
        if args.command == "grant":
            auth.grant(args.username, args.municipality, args.role)
            print(f"{args.username}: {args.role} in {args.municipality}")
            return 0
        if args.command == "revoke":
            auth.revoke(args.username, args.municipality)
            print(f"{args.username}: geen toegang meer tot {args.municipality}")
            return 0
        username = args.username or input("Gebruikersnaam: ").strip()
        name = args.name
        if name is None and not args.password_stdin and sys.stdin.isatty():
            name = input("Naam voor inwoners (Enter = gebruikersnaam): ").strip() or None
        staff = auth.create_staff(username, _read_password(args.password_stdin), name,
                                  role=args.role, municipalities=args.municipality)
    except (ValueError, EOFError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    print(f"Account aangemaakt: {staff.username} ({staff.name}, {args.role})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
