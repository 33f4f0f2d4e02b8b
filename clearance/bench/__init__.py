"""`manage.py bench`: each page against the one raw SQL aggregate of its figures, measured in the same run.

aggregates.py holds the raw SQL, pages.py times pages and downloads, imports.py the import against
its reference, load.py the throughput under gunicorn, report.py the targets and the table.
"""
