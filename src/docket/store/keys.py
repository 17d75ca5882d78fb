"""Per-deployment secrets, kept in files beside the store and never inside it.

`entity-id.key` keys the hash that turns an entity's anchor (an ID number, a passport …)
into its entity id: without the key an id cannot be recomputed from, or turned back into,
an identity number. Keys are 32 random bytes in `$DOCKET_HOME/keys/`, mode 0600, created
on first use; losing one changes every id it keyed on the next resolve (the old ids
redirect), so back the folder up with the store.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from docket.errors import StoreError
from docket.store.files import check_private, private_folder, write_private

KEY_BYTES = 32
ENTITY_ID = "entity-id"


def load_or_create(home: Path, name: str) -> bytes:
    """The key `name` of the store at `home`, created (0600) when it does not exist yet."""
    folder = private_folder(home / "keys")
    path = folder / f"{name}.key"
    if not path.exists():
        write_private(path, secrets.token_bytes(KEY_BYTES))
    check_private(path)
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise StoreError(
            f"{path} holds {len(key)} bytes, not a {KEY_BYTES}-byte key",
            hint="restore the key file from the store's backup",
        )
    return key
