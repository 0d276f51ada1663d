"""The plan as a picture: a Gantt-style timeline of who holds each post, month by month.

``rotation.picture.timeline.Timeline`` is what the picture shows, with no matplotlib in it;
``rotation.picture.draw.draw_timeline`` turns it into a PNG (importing it loads matplotlib).
``rotation plot`` and the plan workbook's Timeline sheet both use them.
"""
