"""Month and weekday names as Django's date formats look them up ("F", "l"), listed here so
that makemessages keeps them in clusterloom's catalogues, which take precedence over Django's:
Italian and Portuguese write them in lower case ("6 novembre 2026", "quarta-feira, 20 de
janeiro"), where Django's catalogues capitalise them. A language that leaves them untranslated
keeps Django's names."""

from django.utils.translation import gettext_noop as _

MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)
WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
