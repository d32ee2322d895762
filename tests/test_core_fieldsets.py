"""Shared field-name sets: equal sets become one object; values, dumps and copies unchanged."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from cloudwright.core.fieldsets import share_fields_sets


class Part(BaseModel):
    model_config = ConfigDict(frozen=True)
    a: int = 0
    b: int = 0


class Whole(BaseModel):
    model_config = ConfigDict(frozen=True)
    parts: list[Part]
    note: str = ""


class Loose(BaseModel):
    a: int = 0


def test_equal_sets_are_shared_and_nothing_else_changes() -> None:
    wholes = [Whole(parts=[Part(a=i, b=i), Part(a=i)]) for i in range(3)]
    dumps = [w.model_dump_json() for w in wholes]
    share_fields_sets(wholes)
    assert [w.model_dump_json() for w in wholes] == dumps
    full = [w.parts[0].__pydantic_fields_set__ for w in wholes]
    only_a = [w.parts[1].__pydantic_fields_set__ for w in wholes]
    assert all(s is full[0] for s in full) and full[0] == {"a", "b"}
    assert all(s is only_a[0] for s in only_a) and only_a[0] == {"a"}
    assert wholes[1].parts[1].model_dump(exclude_unset=True) == {"a": 1}
    # A copy with an update gets its own set; the shared one is untouched.
    copied = wholes[0].parts[1].model_copy(update={"b": 5})
    assert copied.model_fields_set == {"a", "b"} and only_a[0] == {"a"}


def test_models_that_can_change_keep_their_own_sets() -> None:
    x, y = Loose(a=1), Loose(a=2)
    share_fields_sets([x, y])
    assert x.__pydantic_fields_set__ is not y.__pydantic_fields_set__
    x.a = 3
    assert y.model_fields_set == {"a"}
