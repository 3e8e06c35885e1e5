"""What the archives app does, as named functions grouped by feature; docstrings list side effects.

Who answers for a student is ``counseling.roles.responsible_counselor`` (the archives add the
grade's counselor to it through their ``responsibility`` hook).
"""
