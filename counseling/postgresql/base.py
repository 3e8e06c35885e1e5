"""Django's PostgreSQL backend, with a health check that costs no round trip when nothing happened.

With CONN_HEALTH_CHECKS (settings) Django checks a kept connection before a request's first query
by sending ``SELECT 1``: a round trip on every request, about a tenth of a millisecond of CPU
between the two processes. A server that has ended a connection — restarted, shut down, or ended an
idle or terminated session — says so before it goes (its last message, then the end of the
stream), which leaves the socket readable. So the socket is asked first, without waiting: nothing
to read, the connection is as the last request left it; something to read, ``SELECT 1`` decides,
as before. (A server that vanished without a word is not seen by either until the next read.)
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _writable, _failed = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError, base.Database.Error):
            return False
        return super().is_usable() if readable else True
