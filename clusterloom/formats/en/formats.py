"""English as written in the EU institutions (and on the ECCP): "3 February 2020", 24-hour
clock, weeks from Monday; Django's default is the US style ("Feb. 3, 2020", "4 p.m.")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1

#: A day with its weekday (a session's day, an agenda's heading).
WEEKDAY_DATE_FORMAT = "l j F Y"
#: A meeting's time with its short weekday and date.
WEEKDAY_DATETIME_FORMAT = "D j M H:i"
