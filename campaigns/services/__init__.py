"""Business rules of the campaigns app, one module per feature. Views call these; they call nothing in views."""
