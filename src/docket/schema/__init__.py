"""The canonical model: kinds, properties, identifiers, edges and special categories, as data."""

from docket.schema.loader import (
    Edge,
    Identifier,
    Kind,
    Model,
    Party,
    Property,
    SpecialCategory,
    ValueType,
    load_model,
    model,
)

__all__ = [
    "Edge",
    "Identifier",
    "Kind",
    "Model",
    "Party",
    "Property",
    "SpecialCategory",
    "ValueType",
    "load_model",
    "model",
]
