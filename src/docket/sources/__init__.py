"""Source mappings (YAML), readers, bulk ingest into the store, quarantine, export."""
