"""Create an administrator from the server's command line (the first one); see create_head_counselor."""

from __future__ import annotations

from counseling.enums import Role
from counseling.management.commands.create_head_counselor import Command as HeadCommand


class Command(HeadCommand):
    help = "Create an administrator (the first one). Prompts for the password, or prints a one-time set-password link without a terminal."
    role = Role.ADMINISTRATOR
