"""Sane bounds of the numbers and texts users give, in one place.

A number outside its bound is a typing slip (or a test of the platform), never a real figure:
it would inflate a KPI or a public page. The services refuse it with a message on the field
("Give a number between 0 and 100,000."); forms, model validators and API descriptions read the
same constants. Records saved before a bound existed still display and stay editable: the
bounds are checked when a value is written, and migrations only add validators (no data is
cut).
"""

from decimal import Decimal

# -- numbers ------------------------------------------------------------------------------------

#: Members a cluster declares. The largest European clusters count a few thousand members.
MAX_MEMBERS = 100_000
#: SMEs among them (never more than the members, either).
MAX_SMES = MAX_MEMBERS
#: Full-time equivalents of a cluster's management staff.
MAX_MANAGEMENT_FTE = Decimal("1000")
#: Hours one person attends of one training or coaching (a long programme).
MAX_HOURS = Decimal("1000")
#: People a dissemination activity reports reaching (a newsletter, a fair, a video).
MAX_REACH = 10_000_000
#: A count a user types (participants, exchanges planned, places): core.inputs.count_value.
MAX_COUNT = 100_000
#: A partnership's target (exchanges, events, SMEs reached) or exchanges it plans.
MAX_TARGET = 1_000_000
#: An amount in euros (budgets, rates, caps): core.inputs.money_value.
MAX_AMOUNT = Decimal("100000000")

# -- texts (characters) -------------------------------------------------------------------------

#: A message to another user: a meeting request, an expression of interest.
MAX_MESSAGE = 2_000
#: A free text a user writes: a description, what a partner request seeks or offers.
MAX_TEXT = 5_000
#: A text of a partnership's public profile (objectives, origin, target groups), which an
#: import may bring from the partnership's ECCP page.
MAX_PROFILE_TEXT = 20_000
