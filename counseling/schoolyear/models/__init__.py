from .consent import ConsentRecord
from .exports import DataExport
from .retention import RetentionPolicy, RetentionRun
from .years import RolloverClass, YearRollover

__all__ = ["ConsentRecord", "DataExport", "RetentionPolicy", "RetentionRun", "RolloverClass", "YearRollover"]
