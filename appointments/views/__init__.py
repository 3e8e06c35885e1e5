"""Views of the appointments app, one module per feature. Views parse input, call a service, render."""
