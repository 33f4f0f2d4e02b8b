"""A synthetic, case-level demo of site clearance for VSIP Lạng Sơn phase 1.

The source article gives only totals ("more than 490 cases counted, more than 57 ha
handed over" of a 200 ha phase). The portal's case pages need cases, so this module
makes up 495 of them that agree with those totals. Every row is labelled synthetic:
cases carry is_synthetic, the resettlement areas say "mô phỏng", the case codes start
with "MP-". The ID numbers take the real shapes (a CCCD, an old CMND, a tax code) so
they pass the same checks as real ones, but their digits are drawn at random. Nothing
here describes a real person.

Same seed, same data: the generator uses its own random.Random and no "today".
"""

from clearance.demo.service import DemoError, DemoResult, demo_delete, demo_generate, demo_summary, vsip_phase_1
from clearance.demo.vocabulary import DEFAULT_SEED, RESETTLEMENT_AREAS

__all__ = [
    "DEFAULT_SEED",
    "RESETTLEMENT_AREAS",
    "DemoError",
    "DemoResult",
    "demo_delete",
    "demo_generate",
    "demo_summary",
    "vsip_phase_1",
]
