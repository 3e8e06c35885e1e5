"""Create a head counselor from the server's command line: the first one, or one to recover with.

No one can confirm a request before there is a head counselor, so the first comes from here (see
docs/operations.md). The password is typed at a prompt; without a terminal (a script, a container),
the account gets no password and the command prints a one-time set-password link instead: a password
never goes on the command line or into the environment.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from counseling.enums import Role
from counseling.models import User
from counseling.services.staff import bootstrap_account
from counseling.services.staff_requests import RequestError, set_password_link


class Command(BaseCommand):
    help = "Create a head counselor (the first one). Prompts for the password, or prints a one-time set-password link without a terminal."
    role = Role.HEAD_COUNSELOR

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="The person's full name, as the interface shows it.")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--link", action="store_true", help="Print a one-time set-password link instead of prompting."
        )

    def _password(self, username: str, name: str) -> str:
        for _attempt in range(3):
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords differ.")
                continue
            try:
                validate_password(first, User(username=username, name=name))
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return first
        raise CommandError("No password was set.")

    def handle(self, *args, username: str, name: str, email: str, link: bool, **options) -> None:
        prompt = sys.stdin.isatty() and not link
        password = self._password(username, name) if prompt else None
        try:
            user = bootstrap_account(username=username, name=name, role=self.role, email=email, password=password)
        except RequestError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()})."))
        if password is None:
            self.stdout.write(
                "One-time link to choose the password (valid for PASSWORD_RESET_TIMEOUT, 3 days by default); "
                "put the site's address in front of it and hand it over in person:"
            )
            self.stdout.write(set_password_link(user))
