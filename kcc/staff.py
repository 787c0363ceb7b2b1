"""Create console accounts.

    python -m kcc.staff create --username anna [--name "Anna"] [--password-stdin]

Without --password-stdin the password is asked twice with getpass (never echoed, never in shell
history); with it, the first line of stdin is used (for scripts and tests).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional

from kcc.auth import StaffAuth


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
    args = parser.parse_args(argv)

    try:
        username = args.username or input("Gebruikersnaam: ").strip()
        name = args.name
        if name is None and not args.password_stdin and sys.stdin.isatty():
            name = input("Naam voor inwoners (Enter = gebruikersnaam): ").strip() or None
        staff = StaffAuth().create_staff(username, _read_password(args.password_stdin), name)
    except (ValueError, EOFError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    print(f"Account aangemaakt: {staff.username} ({staff.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
