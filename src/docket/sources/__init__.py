"""Source mappings (YAML), readers, bulk ingest into the store, quarantine, export.

    from docket.sources import load_mapping, ingest_file
    result = ingest_file(con, Path("members.csv"), load_mapping("members.yaml"))

See docs/mappings.md for the mapping format.
"""

from docket.sources.export import export_mentions
from docket.sources.ingest import FileResult, ingest_file, mappings_for, plan_files
from docket.sources.mapping import SourceMapping, load_mapping, parse_mapping, shipped_mappings

__all__ = [
    "FileResult",
    "SourceMapping",
    "export_mentions",
    "ingest_file",
    "load_mapping",
    "mappings_for",
    "parse_mapping",
    "plan_files",
    "shipped_mappings",
]
