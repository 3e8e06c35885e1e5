"""Views of the campaigns app, one module per feature. They parse input, call a service, render."""
