"""Jinja environments for everything the grader renders from text a student or a roster controls.

HTML pages autoescape every value (whatever the template's file name: ``select_autoescape``
decides by the name's ending, and ``*.html.j2`` is not ``.html``) and carry a
Content-Security-Policy that lets only the project's own files run; markdown files quote such
text as inline code, so a file name or an error message cannot become a link, an image or HTML.
"""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

# script only from the report's own folder; inline styles stay (the audit page and the SVG
# trend use them, and a style cannot run code); no frames, forms, plugins or base rewriting
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'; object-src 'none'")
CSP_META = Markup(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">')


def md_code(value: object) -> str:
    """``value`` as one line of markdown inline code: a run of backticks longer than any inside
    it, so nothing in it is read as markdown or HTML."""
    text = " ".join(str("" if value is None else value).split())
    if not text:
        return ""
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_text(value: object) -> str:
    """Plain text in markdown: HTML's <, > and & as entities, markdown's punctuation escaped."""
    text = " ".join(str("" if value is None else value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL.sub(r"\\\1", text)


def md_cell(value: object) -> str:
    """``md_code`` for a table cell: a pipe would end the cell even inside code (GFM escapes it)."""
    return md_code(value).replace("|", "\\|")


def html_env(package: str) -> Environment:
    env = Environment(loader=PackageLoader(package, "templates"), autoescape=True, keep_trailing_newline=True)
    env.globals["csp_meta"] = CSP_META
    return env


def markdown_env(package: str) -> Environment:
    env = Environment(loader=PackageLoader(package, "templates"), autoescape=False, keep_trailing_newline=True)
    env.filters["code"] = md_code
    env.filters["cell"] = md_cell
    env.filters["text"] = md_text
    return env
