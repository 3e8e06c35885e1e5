"""Django's PostgreSQL backend with a health check that asks the socket before the server (``base``)."""
