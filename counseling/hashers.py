"""The password hasher for sign-in sheets (counseling.services.signin)."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class SheetPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds, for the random first passwords printed on sign-in sheets only.

    Django's default (a million rounds) takes about 0.4 s per password on a small server: 20 s
    to print the sheets of one class of 50. A sheet password is random (12 characters from 55,
    about 2^69 choices) and lives until its first use, when Django re-hashes it with the default
    hasher and the student must replace it anyway; 50,000 rounds keep guessing it from a stolen
    database a matter of years while a class's sheets print in about a second.
    """

    algorithm = "pbkdf2_sha256_sheet"
    iterations = 50_000
