"""`clusterloom learn-ranking [--out FILE]`: learn the ranking's weights from this platform's
records (CORDIS co-participation, partnership compositions, agreed meetings, exchanges done),
checked by time, and use them from then on."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.matching.ranking_services import ranking_learn


class Command(BaseCommand):
    """Relearn the partner ranking's weights from who actually worked together."""

    help = (
        "Learn the partner ranking's weights from who worked together on this platform: CORDIS "
        "co-participation (profiles from earlier projects, needs from later ones), partnership "
        "compositions, agreed B2B meetings and ClusterXchange exchanges done; checked on the "
        "latest third of the needs, then written where the platform reads them "
        "(MATCHING_RANKING_FILE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=None, help="where to write the weights")
        parser.add_argument(
            "--force",
            action="store_true",
            help="write the learned weights even when they do worse than those in use on the "
            "latest needs",
        )

    def handle(self, *args, out=None, force=False, **options):
        try:
            r = ranking_learn(out=out, force=force)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

        def fig(f):
            return f"Recall@10 {f.recall_10:.3f}, MRR {f.mrr:.3f}"

        sources = ", ".join(
            f"{label} {r.sources[key]}"
            for key, label in (
                ("cordis", _("CORDIS projects")),
                ("partnership", _("partnerships")),
                ("meeting", _("participants with agreed meetings")),
                ("exchange", _("visitors with exchanges done")),
            )
            if r.sources.get(key)
        )
        self.stdout.write(
            _(
                "Learned from %(needs)d needs (%(sources)s). Check on the needs from "
                "%(check)s: learned weights %(learned)s; weights in use %(current)s."
            )
            % {
                "needs": r.needs,
                "sources": sources,
                "check": r.check_split,
                "learned": fig(r.held_out_learned),
                "current": fig(r.held_out_current),
            }
        )
        weights = ", ".join(f"{k} {v:g}" for k, v in r.weights.as_dict().items())
        self.stdout.write(
            _("Weights (%(weights)s) written to %(path)s.") % {"weights": weights, "path": r.path}
        )
