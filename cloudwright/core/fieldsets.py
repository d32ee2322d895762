"""One shared set of explicitly given field names per pydantic model class and content.

Pydantic keeps `__pydantic_fields_set__` (the names given at construction) per instance: a
set of 27 names is 2.2 KB, more than the model's own values. A plan of 10^5 assignments or
a resolved fleet of 10^5 workloads holds 10^5–10^6 equal sets; pointing the equal ones at
one shared set saves hundreds of MB and changes no value, dump or comparison.

Only frozen models share (assigning a field would add its name to the shared set); pydantic
copies the set before changing it anywhere else (`model_copy(update=...)`, `__copy__`).
"""

from __future__ import annotations

from pydantic import BaseModel

_MAX_VARIANTS = 16  # distinct sets kept per class; a class with more keeps its own sets
_SHARED: dict[type[BaseModel], list[set[str]]] = {}


def share_fields_sets(value: object) -> None:
    """Share the field-name sets of `value` and every model inside it (models, lists,
    tuples, dict values), in place."""
    if isinstance(value, BaseModel):
        _share(value)
        for item in value.__dict__.values():
            share_fields_sets(item)
    elif isinstance(value, list | tuple):
        for item in value:
            share_fields_sets(item)
    elif isinstance(value, dict):
        for item in value.values():
            share_fields_sets(item)


def _share(model: BaseModel) -> None:
    if not model.model_config.get("frozen"):
        return  # assigning a field adds its name to the set: only frozen models may share
    given = model.__pydantic_fields_set__
    variants = _SHARED.setdefault(type(model), [])
    for shared in variants:
        if shared is given:
            return
        if shared == given:
            object.__setattr__(model, "__pydantic_fields_set__", shared)
            return
    if len(variants) < _MAX_VARIANTS:
        variants.append(given)
