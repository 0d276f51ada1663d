"""The plan as a picture: a Gantt-style timeline of who holds each post, month by month.

``rotation.picture.timeline.Timeline`` is what the picture shows, with no matplotlib in it;
``rotation.picture.draw.draw_timeline`` turns it into a PNG (importing it loads matplotlib).
``rotation plot`` and the plan workbook's Timeline sheet both use them.
"""

from __future__ import annotations

import importlib
import threading

DRAWING_MODULES = ("matplotlib.figure", "matplotlib.axes", "matplotlib.backend_bases",
                   "matplotlib.backends.backend_agg",
                   "matplotlib.lines", "matplotlib.patches", "matplotlib.patheffects")
"""The matplotlib modules ``draw`` imports: about 0.6 s of a planner's wait on the 2-core
benchmark machine, as long as the whole search on a small problem."""


def load_drawing_meanwhile() -> threading.Thread:
    """Start importing matplotlib on a background thread, so that it loads while the solver
    searches (CP-SAT and HiGHS leave Python free as they work); join the thread before
    importing ``draw``. Only matplotlib's own modules load there, which nothing else imports
    meanwhile, so the two threads never wait on each other's imports."""
    loading = threading.Thread(target=_import_drawing, name="load-matplotlib")
    loading.start()
    return loading


def _import_drawing() -> None:
    for name in DRAWING_MODULES:
        importlib.import_module(name)
