"""The district installation: many schools walled off in one deployment (docs/architecture.md).

Installed only when ``DISTRICT`` is on (PostgreSQL): each school is a PostgreSQL schema
(django-tenants) holding every one of the product's tables; this app's tables (the schools, their
addresses, the district office's own work) live in the shared ``public`` schema.
"""
