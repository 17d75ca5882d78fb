"""Users, roles, cases, the authorisation gate, the audit chain, watchlists, retention."""
