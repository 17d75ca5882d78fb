"""Entity resolution: deterministic links, Splink scoring, constrained clustering, stable ids."""
