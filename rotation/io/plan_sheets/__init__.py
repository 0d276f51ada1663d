"""The sheets of the plan workbook (SPEC.md section 7), one module per sheet.

``view`` works out what the sheets show (who holds which post when, staff out per agency and
month, cost per agency and financial year) from the problem and the secondments; ``styles``
holds the fills and formats they share. ``rotation.io.plan_writer`` puts them together.
"""
