"""`manage.py add_user USERNAME --role official|secretariat|observer [--country ISO3]`.

The password comes from the environment variable RCM_PASSWORD (for scripts) or is asked twice
at the terminal; it is never a command-line argument, where `ps` and shell history would keep it.
"""

from __future__ import annotations

import getpass
import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import UserCreateError, user_create


class Command(BaseCommand):
    help = "Create a user with an RCM role. Password from $RCM_PASSWORD or asked interactively."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--country", metavar="ISO3", help="Required for officials, e.g. MEX.")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("RCM_PASSWORD") or self._ask_password()
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                country_iso3=options["country"],
                email=options["email"],
                password=password,
            )
        except UserCreateError as exc:
            raise CommandError(str(exc)) from None
        where = f" for {user.country.iso3}" if user.country else ""
        self.stdout.write(self.style.SUCCESS(f"Created {user.role} {user.username!r}{where}."))

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("no password: set RCM_PASSWORD or run the command in a terminal")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the two passwords differ")
        return first
