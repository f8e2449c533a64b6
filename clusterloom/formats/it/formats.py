"""Italian date formats where clusterloom differs from Django's, and the two formats of its own;
the rest comes from Django's it module."""

#: Italian writes the day without a leading zero ("6 novembre", not "06 novembre") and no
#: weekday in a date-time (Django's default has both).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

#: A day with its weekday (a session's day, an agenda's heading).
WEEKDAY_DATE_FORMAT = "l j F Y"
#: A meeting's time with its short weekday and date.
WEEKDAY_DATETIME_FORMAT = "D j M, H:i"
