"""What a week's otter zip carries so that it grades anywhere otter runs (Gradescope, or
``otter run`` on a machine without this project): the part of the package its hidden-test cells
import, and the requirements those modules need."""

from __future__ import annotations

import shutil
from pathlib import Path

import autograder

# imported by the hidden-test cells (autograder.casekit.otter_check) and a week's cases.py
MODULES = ("__init__.py", "errors.py", "protocol", "casekit", "inside")
REQUIREMENTS_FILE = "requirements.txt"
REQUIREMENTS = ("torch==2.13.0", "numpy>=1.26", "scikit-learn>=1.3")


def bundle(work: Path) -> list[str]:
    """Copy the modules into ``work/autograder`` and write the requirements; return the
    autograder_files entries for otter assign."""
    source = Path(autograder.__file__).parent
    target = work / "autograder"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for name in MODULES:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source / name, target / name)
    (work / REQUIREMENTS_FILE).write_text("\n".join(REQUIREMENTS) + "\n", encoding="utf-8")
    return ["autograder"]
