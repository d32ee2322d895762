"""Equal field-name sets of the optimizer's bulk models pointed at one copy, model by model.

`core.fieldsets.share_fields_sets` walks every value of a model tree to find the models in
it: thorough, but at 10^5 workloads the walk costs seconds. The optimizer knows which models
it builds (a resolved workload's parts, an assignment's parts) and hands exactly those to
`FieldSets.share`: the same saving (~2 KB per model) for a few dictionary look-ups each.

Only frozen models share (assigning a field would add its name to the shared set), as in
`core.fieldsets`; pydantic copies the set before changing it anywhere else.
"""

from __future__ import annotations

from pydantic import BaseModel

MAX_VARIANTS = 16  # distinct sets kept per class; a class with more keeps its own sets


class FieldSets:
    """The shared sets of one bulk build (a resolve, a plan)."""

    def __init__(self) -> None:
        self._variants: dict[type[BaseModel], list[set[str]]] = {}

    def share(self, model: BaseModel | None) -> None:
        if model is None or not model.model_config.get("frozen"):
            return
        given = model.__pydantic_fields_set__
        variants = self._variants.setdefault(type(model), [])
        for shared in variants:
            if shared is given:
                return
            if shared == given:
                object.__setattr__(model, "__pydantic_fields_set__", shared)
                return
        if len(variants) < MAX_VARIANTS:
            variants.append(given)
