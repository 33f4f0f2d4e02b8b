"""How every list page answers: the whole list as a file when asked for, otherwise one page of it."""

from django.shortcuts import render

from clearance.exports import export_response
from clearance.paging import paginate


def list_response(request, table, *, filename, per_page, template, context):
    """`?_export=xlsx|csv` downloads every row of the table (filtered, in the user's area); else a page."""
    download = export_response(request, table, filename=filename)
    if download is not None:
        return download
    paginate(request, table, per_page=per_page)
    return render(request, template, {"table": table, **context})
