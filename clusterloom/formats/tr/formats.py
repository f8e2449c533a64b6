"""Turkish date formats where clusterloom differs from Django's, and the two formats of its own;
the rest comes from Django's tr module."""

#: A day with its weekday (a session's day, an agenda's heading).
WEEKDAY_DATE_FORMAT = "j F Y l"
#: A meeting's time with its short weekday and date.
WEEKDAY_DATETIME_FORMAT = "j M D, H:i"
