"""A write-up's rubric as data (``rubric.yml`` in the assignment's folder): its sections, the
choices a student picks one of, and the scored items. The course content lives there; this
module only reads and checks it."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from autograder.errors import UserError

RUBRIC_FILE = "rubric.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc}): {value!r}") from None
    return value


class Section(_Strict):
    title: str  # the template's heading, shown in reasons
    match: str  # what a student's heading or label says, as a regular expression

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: str) -> str:
        return _regex(value)

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.match, re.IGNORECASE)


class Option(_Strict):
    key: str
    label: str
    aliases: list[str] = Field(min_length=1)

    @field_validator("aliases")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        return [_regex(v) for v in values]

    @cached_property
    def regexes(self) -> list[re.Pattern]:
        return [re.compile(a, re.IGNORECASE) for a in self.aliases]


class Choices(_Strict):
    section: str  # where the choice is written
    what: str = "option"  # how reasons call one option ("pattern")
    options: list[Option] = Field(min_length=2)


class Item(_Strict):
    id: str
    title: str
    points: float = Field(gt=0)
    check: Literal["file_name", "sections", "one_choice", "sentences", "terms"]
    section: str | None = None  # sentences, terms
    min: int = Field(1, ge=0)  # sentences
    max: int = Field(1000, ge=1)
    terms: dict[str, str] = Field(default_factory=dict)  # terms: name → regular expression

    @field_validator("terms")
    @classmethod
    def _regexes(cls, values: dict[str, str]) -> dict[str, str]:
        return {k: _regex(v) for k, v in values.items()}


class Rubric(_Strict):
    file_name: str  # the convention as students see it, e.g. "1주차 과제_<기수>기 <이름>.md"
    sections: dict[str, Section] = Field(min_length=1)
    choices: Choices | None = None
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "Rubric":
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids repeat")
        for item in self.items:
            if item.check in ("sentences", "terms") and item.section not in self.sections:
                raise ValueError(f"item {item.id}: section {item.section!r} is not one of {sorted(self.sections)}")
            if item.check == "terms" and not item.terms:
                raise ValueError(f"item {item.id}: a terms check needs terms")
            if item.check == "one_choice" and self.choices is None:
                raise ValueError(f"item {item.id}: a one_choice check needs choices")
        if self.choices and self.choices.section not in self.sections:
            raise ValueError(f"choices.section {self.choices.section!r} is not one of {sorted(self.sections)}")
        return self

    @property
    def points(self) -> float:
        return round(sum(i.points for i in self.items), 6)


def load_rubric(folder: Path) -> Rubric:
    path = Path(folder) / RUBRIC_FILE
    if not path.is_file():
        raise UserError(f"no {RUBRIC_FILE}", where=str(folder),
                        fix="a write-up's folder needs rubric.yml (see assignments/week01_seven_patterns)")
    try:
        return Rubric.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise UserError(f"not valid YAML: {exc}", where=str(path)) from None
    except ValidationError as exc:
        problems = "\n".join(f"  {'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in exc.errors())
        raise UserError(f"invalid rubric:\n{problems}", where=str(path)) from None
