"""The installed distribution's version."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mailoptout")
except PackageNotFoundError:  # a source checkout that was not installed
    __version__ = "0+unknown"
