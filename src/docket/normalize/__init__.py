"""Normalisers: one module per value type, pure and idempotent, plus vectorised forms."""
