"""Services of the school-year layer: terms, the new-year rollover, retention and data requests."""
