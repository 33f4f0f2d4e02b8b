"""Python's cycle collector, paused while an import builds objects that all stay alive.

CPython runs its collector every 700 new container objects, and a full pass over every live
object each time the survivors have grown by a quarter. Validating and writing a list builds
tens of thousands of objects (rows, cases, parcels, uses) that all live until the import ends:
those full passes find nothing to free, again and again, and took a quarter to a third of
validating and writing 10,000 rows (clearance.bench.imports, measured in CPU time). Reference
counting still frees at once whatever is not in a cycle; a cycle made meanwhile waits for the
first pass after. Mercurial's util.nogc does the same for the same reason.

The collector is one per process: a pause seen from another thread only delays its cycles too.
"""

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    """No cycle collection inside; the collector as it was after. Usable as a decorator."""
    if not gc.isenabled():  # already paused, by an outer pause or by the process
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
