"""Views of the archives app, one module per feature. Each view parses input, calls a service, renders."""
