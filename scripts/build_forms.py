"""Write the built-in XLSForms (src/peelian/mobile/forms/data/*.xlsx) from forms/library.py.

python scripts/build_forms.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from peelian.mobile.forms.library import COLUMNS, FORMS

OUT = Path(__file__).resolve().parents[1] / "src" / "peelian" / "mobile" / "forms" / "data"


def build(name: str, out: Path) -> Path:
    """Write one form's workbook."""
    spec = FORMS[name]
    wb = Workbook()
    survey = wb.active
    assert survey is not None
    survey.title = "survey"
    survey.append(list(COLUMNS))
    for row in spec["survey"]:
        survey.append([row.get(c, "") for c in COLUMNS])
    sheet = wb.create_sheet("choices")
    sheet.append(["list_name", "name", "label"])
    for row in spec["choices"]:
        sheet.append([row["list_name"], row["name"], row["label"]])
    settings = wb.create_sheet("settings")
    settings.append(list(spec["settings"]))
    settings.append(list(spec["settings"].values()))
    path = out / f"{name}.xlsx"
    wb.save(path)
    return path


def main() -> None:
    """Write every built-in form."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name in FORMS:
        print(build(name, OUT))


if __name__ == "__main__":
    main()
