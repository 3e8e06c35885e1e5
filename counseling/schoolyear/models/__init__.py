from .exports import DataExport
from .retention import RetentionPolicy, RetentionRun
from .years import RolloverClass, YearRollover

__all__ = ["DataExport", "RetentionPolicy", "RetentionRun", "RolloverClass", "YearRollover"]
