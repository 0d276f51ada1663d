"""rotation: plans secondment rotations for a community planning partnership team."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rotation")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
