"""What the booking path raises; every message is translated and safe to show to the user."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """The request cannot be done as asked; ``message`` says why, in the user's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class SlotTakenError(BookingError):
    """Someone else got the time first (or it is held for someone on the waitlist)."""

    def __init__(self, message=None) -> None:
        super().__init__(message or _("This time was just taken. Please choose another one."))
