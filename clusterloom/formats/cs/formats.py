"""Czech date formats where clusterloom differs from Django's, and the two formats of its own;
the rest comes from Django's cs module."""

#: A day with its weekday (a session's day, an agenda's heading).
WEEKDAY_DATE_FORMAT = "l j. E Y"
#: A meeting's time with its short weekday and date.
WEEKDAY_DATETIME_FORMAT = "D j. n., H:i"
