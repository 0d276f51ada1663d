"""Explanations for planners: why no plan exists, and why a post stays vacant.

``find_conflicts`` names the rules the fixed (Existing and frozen) secondments cannot all
keep, with a minimal set of rows behind each and what could be relaxed.
"""

from rotation.explain.conflicts import BRIDGEABLE, Conflict, ConflictReport, find_conflicts

__all__ = ["BRIDGEABLE", "Conflict", "ConflictReport", "find_conflicts"]
