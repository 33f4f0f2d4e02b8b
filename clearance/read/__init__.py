"""The read side: everything that computes what a page shows, one module per page.

Page (URL name)                        entry
overview (clearance:overview)          overview.overview_page(scope, query, today=, stuck_days=)
zone list (clearance:zone_list)        overview.matching_zones(scope, query) + zone_tables.ZoneTable
zone page (clearance:zone_detail)      zone.zone_page(scope, zone, today=)
breakdowns (clearance:progress_…)      breakdown.breakdown_rows(scope, case_filter, phases, today=, by=)
reported vs registry (…:report_checks) reported.latest_reports(scope, narrowed) + reported.checks_for(scope, reports)
weekly report (clearance:weekly_…)     weekly.report_for_week(scope, week=, zone=, phase=, unit=)
bottlenecks and their lists            bottlenecks.bottleneck_summary / overdue_cases / stuck_cases / …
case list (clearance:case_list)        cases.cases_for_list(queryset) + case_tables.CaseTable

Shared by them:
figures      each registry figure declared once (name, label, unit, rounding, qualifier, source)
ledger       the registry's one definition, computed from the cases (Figures, ledger(), percent)
registry     the same figures read from the rollups (RollupLedger, scope_filter)
trend        the trend charts of a phase, from the rollups' days and the reports
querysets    CaseQuerySet, the cases' manager (filters, stage dates)
*_tables     the django-tables2 tables of the list pages (page and export from one definition)

Nothing here writes. The rollups are kept by clearance.rollups (write side); see decision 0018.
"""
