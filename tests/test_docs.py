"""The manual: README.md stays a short front page (the two commands, a tour, links by role), the
pages under docs/ build into a site with `mkdocs build --strict` (no broken link, no missing page),
and every page the README links to exists."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import PROJECT


def test_readme_is_a_short_front_page_with_the_two_commands():
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 10 * 1024
    assert "make demo" in text and "make test" in text
    assert "make test" in (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert "make test" in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")  # CI runs the README's command
    for link in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (PROJECT / link).is_file(), link


def test_the_docs_site_builds_strictly(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(PROJECT / "mkdocs.yml"),
                           "-d", str(tmp_path / "site")], capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "딥러닝 여름 세션" in home and "trust-boundary/" in home
