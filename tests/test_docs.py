"""The manual: README.md stays a short front page (the two commands, a tour, links by role), the
pages under docs/ build into a site with `mkdocs build --strict` (no broken link, no missing page),
and every page the README links to exists."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

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


def _pages() -> list:
    return [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]


def _command_lines() -> list[tuple[str, str, bool]]:
    """Every ``autograder …`` command the README and the manual show, with the page it is on and
    whether it is a whole command line (a code line; a span in the text may name a command only);
    comments, ``[optional]`` brackets and placeholders resolved."""
    found = []
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        lines = [(m, True) for m in re.findall(r"^\s*(?:\$ )?(?:\.venv/bin/)?(autograder [^\n`]+)", text, flags=re.M)]
        lines += [(m, False) for m in re.findall(r"`(?:\.venv/bin/)?(autograder [^`]+)`", text)]
        for line, whole in lines:
            line = re.sub(r"\s#.*$", "", line).strip()
            line = re.sub(r"\[([^\]]*)\]", r"\1", line)  # an optional part: shown, so it must parse too
            line = re.sub(r"\b(WEEK|weekNN)\b", "week02", line).replace("STUDENT", "19001").replace("ID ", "3 ")
            found.append((page.name, line, whole))
    return sorted(set(found))


def _parse(command, args: list[str], parent=None) -> None:
    """Parse ``args`` as the CLI would (options, arguments, subcommands) without running anything."""
    ctx = command.make_context(command.name or "autograder", list(args), parent=parent)
    if hasattr(command, "resolve_command"):  # a group (typer carries its own copy of click)
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]  # the subcommand and what follows it
        assert rest, f"{command.name} needs a subcommand"
        _, sub, rest = command.resolve_command(ctx, rest)
        _parse(sub, rest, ctx)


def test_every_command_the_docs_show_parses_with_the_cli():
    """A renamed option or command fails here, not in a TA's terminal."""
    import shlex

    import typer

    from autograder.cli import app

    cli = typer.main.get_command(app)
    commands = _command_lines()
    assert len(commands) >= 30
    wrong = []
    for page, line, whole in commands:
        try:
            words = shlex.split(line)[1:]
            if whole:
                _parse(cli, words)
            else:  # a command named in the text: it must exist
                command = cli
                for word in words:
                    if not hasattr(command, "resolve_command") or word.startswith("-"):
                        break
                    command = command.get_command(command.make_context("autograder", [], resilient_parsing=True), word)
                    assert command is not None, f"no command {word!r}"
        except Exception as exc:  # noqa: BLE001 - click's usage errors and ours, reported together
            wrong.append(f"{page}: {line!r}: {type(exc).__name__}: {exc}")
    assert not wrong, "\n".join(wrong)
    for bad in (["grade", "week02", "--bogus"], ["nosuch"], ["watch", "--every", "x"], ["manual"]):
        with pytest.raises(Exception):  # the check itself: each of these is refused
            _parse(cli, bad)


def test_every_file_the_docs_name_exists():
    """Paths in the manual (tests, benches, modules, course files) point at files that are there."""
    missing = []
    for page in _pages():
        for path in set(re.findall(r"`((?:tests|bench|autograder|testkit|assignments|docker|docs)/[\w./-]+\.(?:py|md|yml|ipynb))",
                                   page.read_text(encoding="utf-8"))):
            if "NN" not in path and not (PROJECT / path).exists():
                missing.append(f"{page.name}: {path}")
    assert not missing, "\n".join(sorted(missing))


def test_the_benchmarks_page_is_generated_from_what_make_bench_printed(tmp_path, monkeypatch):
    """docs/benchmarks.md is written by bench/docs_page.py from build/bench/*.txt, never by hand."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_page", PROJECT / "bench" / "docs_page.py")
    page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(page)
    (tmp_path / "report_scale.txt").write_text("$ .venv/bin/python bench/report_scale.py\nwhole report: 9.9 s = 3.0× baseline\n",
                                               encoding="utf-8")
    monkeypatch.setattr(page, "PAGE", tmp_path / "benchmarks.md")
    text = page.write_page(tmp_path).read_text(encoding="utf-8")
    assert "## report_scale" in text and "whole report: 9.9 s = 3.0× baseline" in text
    assert "`.venv/bin/python bench/report_scale.py`" in text and "for a synthetic class of 1,000 students" in text
    shipped = (PROJECT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert shipped.startswith("# Benchmarks\n\nGenerated by `make bench`") and "## grade_week" in shipped
    assert "benchmarks.md" in (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
