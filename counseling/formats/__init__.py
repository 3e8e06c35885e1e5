"""One way to write a date per language (``FORMAT_MODULE_PATH``; issue 16, item 12).

Templates and Python name these formats (``|date:"SHORT_DATE_FORMAT"``,
``formats.date_format(day, "SHORT_DATE_FORMAT")``) and never spell a pattern of their own:
``counseling/tests/test_date_formats.py`` fails on one. The long and the short date are the same
on purpose, so a date reads the same on every page. Input formats stay Django's (an
``<input type="date">`` always sends ISO 8601).
"""
