"""Progress reports: submit, sign off, correct as versions, and stay inside one's own area."""
