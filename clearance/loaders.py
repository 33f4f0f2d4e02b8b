"""Loading Lạng Sơn's data: the units and the article's zones (zones.loaders), then the article's report."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from clearance.models import ProgressReport
from zones import article
from zones.loaders import ArticleResult, UnitsResult, legacy_district, load_admin_units, load_article


@dataclass
class LoadResult:
    units: UnitsResult
    article: ArticleResult

    def __str__(self):
        return _(
            "Lạng Sơn: %(units)d units (%(units_new)d new, %(units_updated)d updated), "
            "%(conversions)d conversions (%(conversions_new)d new), %(zones)d zones (%(zones_new)d new), "
            "%(reports)d report(s) (%(reports_new)d new)"
        ) % {
            "units": self.units.units,
            "units_new": self.units.units_new,
            "units_updated": self.units.units_updated,
            "conversions": self.units.conversions,
            "conversions_new": self.units.conversions_new,
            "zones": self.article.zones,
            "zones_new": self.article.zones_new,
            "reports": self.article.reports,
            "reports_new": self.article.reports_new,
        }


def load_article_report(result):
    """Create the article's progress report on its phase when missing; counts it in `result` (ArticleResult).

    An existing report is left as it is: after the first load it belongs to the admins.
    """
    spec = article.VSIP_REPORT
    # Only what the article states; every other figure stays NULL (not reported is not zero).
    _report, created = ProgressReport.objects.get_or_create(
        phase=result.phase,
        source=result.source,
        unit=legacy_district(spec["district_code"]),
        defaults={
            "reported_on": result.source.published_on,
            "cases_counted": spec["cases_counted"],
            "cases_counted_qualifier": spec["cases_counted_qualifier"],
            "area_handed_over_ha": spec["area_handed_over_ha"],
            "area_handed_over_qualifier": spec["area_handed_over_qualifier"],
            "obstacles": spec["obstacles"],
            # A published source, not a submission waiting for the province.
            "status": ProgressReport.Status.ACCEPTED,
        },
    )
    result.reports += 1
    result.reports_new += created
    return result


@transaction.atomic
def load_lang_son(*, data=None):
    """Units first: the article's zones are placed in legacy districts. Returns a LoadResult.

    Raises zones.loaders.UnitsFileError when the units file contradicts itself (nothing is loaded).
    """
    units = load_admin_units(data=data)
    return LoadResult(units=units, article=load_article_report(load_article()))
