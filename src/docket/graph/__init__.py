"""The relationship graph and movement layer over resolved entities.

Edges come from the model's declarations (`edges`, `together`, `shared` in
docket/schema/model) and from holdings; `build_graph` derives them at the end of
`docket resolve`, `update_graph` for new records. Reads (neighbours, paths,
communities, trajectory, co-location) are `@read_path` functions taking the
`PersonData` handle.
"""

from docket.graph.build import GraphSummary, build_graph, update_graph

__all__ = ["GraphSummary", "build_graph", "update_graph"]
