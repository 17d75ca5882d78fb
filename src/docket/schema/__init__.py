"""The canonical model: kinds, properties, identifiers, edges and special categories, as data."""

from docket.schema.loader import (
    Condition,
    Edge,
    Identifier,
    Kind,
    Model,
    Party,
    Property,
    SpecialCategory,
    Together,
    ValueType,
    Whereabouts,
    load_model,
    model,
)

__all__ = [
    "Condition",
    "Edge",
    "Identifier",
    "Kind",
    "Model",
    "Party",
    "Property",
    "SpecialCategory",
    "Together",
    "ValueType",
    "Whereabouts",
    "load_model",
    "model",
]
