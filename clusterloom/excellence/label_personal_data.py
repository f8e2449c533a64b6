"""Personal data of labels and benchmarkings (GDPR): who recorded which; erased by forgetting
the recorder (the label or benchmarking itself belongs to the cluster)."""

from .models import Benchmarking, ClusterLabel


def personal_data_export(user):
    """The labels and benchmarkings the user recorded, or None."""
    labels = [
        {
            "label": str(x),
            "awarded_on": x.awarded_on.isoformat(),
            "recorded_at": x.created_at.isoformat(),
        }
        for x in ClusterLabel.objects.filter(recorded_by=user).select_related("organisation")
    ]
    benchmarkings = [
        {
            "benchmarking": str(x),
            "held_on": x.held_on.isoformat(),
            "recorded_at": x.created_at.isoformat(),
        }
        for x in Benchmarking.objects.filter(recorded_by=user).select_related("organisation")
    ]
    if not labels and not benchmarkings:
        return None
    return {"labels_recorded": labels, "benchmarkings_recorded": benchmarkings}


def personal_data_erase(user) -> None:
    """Forget the user as the recorder of labels and benchmarkings."""
    ClusterLabel.objects.filter(recorded_by=user).update(recorded_by=None)
    Benchmarking.objects.filter(recorded_by=user).update(recorded_by=None)
