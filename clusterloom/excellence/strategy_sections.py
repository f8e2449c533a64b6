"""The strategies section of a partnership's page: its joint strategy and its partner clusters'
strategies with status and adoption date (the public sees published ones only; progress against
targets is the reporting app's section)."""

from django.template.loader import render_to_string

from clusterloom.core.permissions import has_rule_perm

from .strategy_selectors import partnership_strategies


def partnership_section(request, partnership) -> str:
    """The partnership's strategies, or "" when none is visible and the user may add none."""
    rows = partnership_strategies(request.user, partnership)
    shown = [row for row in rows if row.strategy is not None]
    may_add = has_rule_perm(request.user, "excellence.add_strategy", partnership)
    if not shown and not may_add:
        return ""
    context = {"partnership": partnership, "rows": shown, "may_add": may_add}
    return render_to_string(
        "excellence/strategy_partnership_section.html", context, request=request
    )
