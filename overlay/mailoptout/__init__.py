"""mailoptout: typed clients for the opt-out APIs of NAVER Cloud Outbound Mailer and EngageLab."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mailoptout")
except PackageNotFoundError:  # a source checkout that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
