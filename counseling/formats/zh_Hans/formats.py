"""Chinese: 2026年12月3日, 2026年12月3日 17:00, 12月3日, 2026年12月."""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
# Django's own is "m月j日" (09月5日): zero-padded, unlike every other date here.
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
