"""Business rules of the appointments app. Views call these; each docstring lists its side effects."""

from appointments.services.errors import BookingError, SlotTakenError
from appointments.services.mailbox import duty_counselor

__all__ = ["BookingError", "SlotTakenError", "duty_counselor"]
