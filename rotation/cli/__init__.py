"""The ``rotation`` command line: a thin layer over the library.

Exit codes (SPEC.md section 8): 0 success; 1 ``check`` found rule breaches; 2 invalid input
(every error listed with sheet, row and column, nothing written); 3 no plan can satisfy the
hard rules; 4 no plan found within the time limit; 130 interrupted (Ctrl-C).
"""

from rotation.cli import appraisal, inputs, planning, plans, replanning
from rotation.cli.app import main

__all__ = ["appraisal", "inputs", "main", "planning", "plans", "replanning"]
