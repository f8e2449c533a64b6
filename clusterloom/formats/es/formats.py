"""Spanish date formats where clusterloom differs from Django's, and the two formats of its own;
the rest comes from Django's es module."""

#: A day with its weekday (a session's day, an agenda's heading).
WEEKDAY_DATE_FORMAT = r"l, j \d\e F \d\e Y"
#: A meeting's time with its short weekday and date.
WEEKDAY_DATETIME_FORMAT = "D j M, H:i"
