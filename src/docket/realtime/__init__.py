"""Real time: durable intake of records as they arrive, incremental resolution in
micro-batches, watchlist alerts pushed to the case team (see processor.py)."""
