"""Assets: rows of the assets sheet (xlsx) or the assets cell of a case (csv), checked and planned."""

from collections import defaultdict

from django.utils.translation import gettext as _

from clearance.inventory import cells
from clearance.inventory.columns import ASSET_COLUMNS, ASSET_KIND_WORDS, CSV_ASSETS_COLUMN
from clearance.inventory.validation.base import ASSET_COLUMNS_BY_KEY, COLUMNS, INVALID
from clearance.models import Asset

CSV_QUANTITY = "assets_quantity"  # the quantities in the CSV "Tài sản" cells, one column of numbers


def asset_items(value):
    """(item, its parts) of each asset written in a CSV "Tài sản" cell."""
    for item in str(value).split(";"):
        if item.strip():
            yield item, [part.strip() for part in item.split("|")]


class AssetChecks:
    """Collecting, checking and planning asset lines; part of the validator."""

    def collect_assets(self, cases):
        """(row, case code, kind, description, quantity, unit) of every asset line that can be written."""
        lines = []
        if self.table.file_format == "csv":
            for data in cases.values():
                if "assets" in data.values:
                    value, number = data.values["assets"]
                    row = next(r for r in data.rows if r.number == number)
                    lines += self.parse_asset_cell(row, data.code, value)
        else:
            for row in self.table.asset_rows:
                values = {c.key: self.parse(row, c, row.values.get(c.key)) for c in ASSET_COLUMNS}
                missing = [c for c in ASSET_COLUMNS if c.required and values[c.key] is None]
                for column in missing:
                    self.required(row, column)
                if missing or any(value is INVALID for value in values.values()):
                    continue
                if values["quantity"] <= 0:
                    self.error(
                        row,
                        ASSET_COLUMNS_BY_KEY["quantity"],
                        values["quantity"],
                        _("The quantity must be greater than zero."),
                        "not_positive",
                    )
                    continue
                lines.append(
                    (row, values["code"], values["kind"], values["description"] or "", values["quantity"],
                     values["unit_of_measure"] or "")
                )  # fmt: skip
        good, seen = [], {}
        code_column = ASSET_COLUMNS_BY_KEY["code"] if self.table.file_format != "csv" else COLUMNS["code"]
        for line in lines:
            row, code = line[0], line[1]
            data = cases.get(code)
            if data is None:
                existing = self.existing_cases.get(code)
                if existing is None:
                    self.error(
                        row,
                        code_column,
                        code,
                        _("No case has the code %(code)s, neither in the sheet of parcels nor in this phase.")
                        % {"code": code},
                        "unknown_case",
                    )
                    continue
                if existing.pk not in self.visible_case_ids:
                    self.error(
                        row,
                        code_column,
                        code,
                        _("Case %(code)s of this phase belongs to a commune outside your area.") % {"code": code},
                        "case_out_of_scope",
                    )
                    continue
            elif not data.valid:
                continue
            key = (code, line[2], line[3], line[5])
            if key in seen:
                self.error(
                    row,
                    ASSET_COLUMNS_BY_KEY["description"] if self.table.file_format != "csv" else CSV_ASSETS_COLUMN,
                    line[3],
                    _("The same asset of case %(code)s is already on row %(row)d: add the quantities up in one row.")
                    % {"code": code, "row": seen[key]},
                    "duplicate_asset",
                )
                continue
            seen[key] = row.number
            good.append(line)
        return good

    def parse_asset_cell(self, row, code, value):
        """ "cây | Cây vải | 10 | cây; mộ | Mộ đất | 1 | ngôi" → asset lines."""
        lines = []
        for index, (item, parts) in enumerate(asset_items(value), start=1):
            if len(parts) != 4:
                self.error(
                    row,
                    CSV_ASSETS_COLUMN,
                    item,
                    _("Asset %(index)d: write “kind | description | quantity | unit”, four parts separated by “|”.")
                    % {"index": index},
                    "asset_syntax",
                )
                continue
            try:
                kind = cells.word(parts[0], ASSET_KIND_WORDS)
                description = cells.text(parts[1], max_length=ASSET_COLUMNS_BY_KEY["description"].max_length)
                quantity = cells.decimal(parts[2], places=2, numbers=self.numbers.get(CSV_QUANTITY))
                unit = cells.text(parts[3], max_length=ASSET_COLUMNS_BY_KEY["unit_of_measure"].max_length)
            except cells.CellError as problem:
                self.error(row, CSV_ASSETS_COLUMN, item, _("Asset %(index)d: ") % {"index": index} + problem.message,
                           problem.code)  # fmt: skip
                continue
            if quantity <= 0:
                self.error(
                    row,
                    CSV_ASSETS_COLUMN,
                    item,
                    _("Asset %(index)d: the quantity must be greater than zero.") % {"index": index},
                    "not_positive",
                )
                continue
            lines.append((row, code, kind, description, quantity, unit))
        return lines

    def plan_assets(self, lines, cases):
        case_ids = [c.pk for c in self.existing_cases.values() if c.pk in self.visible_case_ids]
        # Stored assets alike (a crop on two parcels of a case) are one asset to a file: it gives their total.
        alike = defaultdict(list)
        for asset in Asset.objects.filter(case_id__in=case_ids).order_by("id"):
            alike[(asset.case_id, asset.kind, asset.description, asset.unit_of_measure)].append(asset)
        for _row, code, kind, description, quantity, unit in lines:
            data = cases.get(code)
            case = data.case if data is not None else self.existing_cases.get(code)
            if case is None:
                continue
            self.plan.case_by_code[code] = case
            stored = alike.get((case.pk, kind, description, unit), []) if case.pk else []
            if not stored:
                new = Asset(kind=kind, description=description, quantity=quantity, unit_of_measure=unit)
                self.plan.new_assets.append((new, code))
                self.plan.assets.create += 1
            elif sum(asset.quantity for asset in stored) == quantity:
                self.plan.assets.unchanged += 1
            else:
                # A new total: the oldest takes it, the others alike go (docs/decisions/0013).
                oldest, *others = stored
                oldest.quantity = quantity
                self.plan.changed_assets.append(oldest)
                self.plan.removed_assets += others
                self.plan.assets.update += 1
