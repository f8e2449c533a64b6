"""Excellence: labels, benchmarking, the service portfolio, strategies and roadmaps."""

from .benchmarking import (
    BenchmarkArea,
    Benchmarking,
    BenchmarkScore,
    CompleteWhen,
    ImprovementArea,
    ImprovementStatus,
    Indicator,
    IndicatorSet,
)
from .labels import ClusterLabel, LabelLevel, LabelStatus
from .portfolio import ClusterService, ServiceNovelty
from .strategies import (
    ActionStatus,
    Milestone,
    RoadmapAction,
    Strategy,
    StrategyScope,
    StrategyStatus,
    StrategyVersion,
)

__all__ = [
    "ActionStatus",
    "BenchmarkArea",
    "BenchmarkScore",
    "Benchmarking",
    "ClusterLabel",
    "ClusterService",
    "CompleteWhen",
    "ImprovementArea",
    "ImprovementStatus",
    "Indicator",
    "IndicatorSet",
    "LabelLevel",
    "LabelStatus",
    "Milestone",
    "RoadmapAction",
    "ServiceNovelty",
    "Strategy",
    "StrategyScope",
    "StrategyStatus",
    "StrategyVersion",
]
