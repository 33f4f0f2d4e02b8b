"""The weekly progress report (báo cáo tiến độ GPMB): its rows (rows.py), its columns as the page and
the spreadsheet both show them (columns.py), and the XLSX download (xlsx.py)."""
