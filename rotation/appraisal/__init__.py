"""The options appraisal: the board's options and what-if scenarios side by side
(``compare``), and the partnership's single points of failure (``stress``).

Both reuse the one solve path (``rotation.solver.solve``) and judge every plan with the
independent checker; ``scenarios`` builds the inputs, ``chart`` and ``workbooks`` the outputs.
"""
