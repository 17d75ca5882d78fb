"""Docket: investigative data fusion with accountability built in."""

from docket.errors import DocketError

__all__ = ["DocketError", "__version__"]
__version__ = "0.1.0"
