"""What a process holds from the start: gunicorn's master imports Django, every app, the URLconf
and the API before it forks its workers, and a task worker starts with `linli worker` and imports
the apps' task modules. None of them may load ReportLab, openpyxl or Pillow (some 40 MB a process
between them): those load in the process that first draws a PDF, writes a sheet or checks a
photo (bench/memory.py measures the difference)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("reportlab", "openpyxl", "PIL")

PROBE = """
import importlib, json, sys
import django
django.setup()
from django.apps import apps
from django.core.management import ManagementUtility
from django.db.utils import OperationalError
from django.urls import get_resolver

def walk(patterns):
    for pattern in patterns:
        walk(getattr(pattern, "url_patterns", []))

walk(get_resolver().url_patterns)
for app in apps.get_app_configs():
    if app.name.startswith("linli."):
        try:
            importlib.import_module(app.name + ".tasks")
        except ModuleNotFoundError as error:
            if error.name != app.name + ".tasks":
                raise
try:  # as the command line starts it; the probe's database has no tables, so it stops there
    ManagementUtility(["linli", "worker", "--batch"]).execute()
except OperationalError:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_starting_a_web_or_task_process_loads_no_pdf_or_sheet_library(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env["LINLI_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "linli" in loaded and "ninja" in loaded  # the probe did import the site
    assert sorted(loaded & set(HEAVY)) == []
