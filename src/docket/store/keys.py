"""The deployment's secret keys, one file each under `<home>/keys/` (mode 0600).

`entity_id_key(home)` reads the key entity ids are hashed with (HMAC-SHA256, see
docket.resolve.ids), creating 32 random bytes on first use. The key stays beside the
store, never in it: a copy of the database alone does not let anyone turn an entity id
back into an ID number. Losing the key changes every entity id at the next resolve
(redirects are kept for ids that resolution replaces, not for a lost key).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from docket.errors import StoreError

KEY_BYTES = 32
ENTITY_ID_KEY = "entity-id.key"


def entity_id_key(home: Path | str) -> bytes:
    """The entity-id key of the deployment at `home`, created (0600) when missing."""
    folder = Path(home) / "keys"
    path = folder / ENTITY_ID_KEY
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # written aside, then linked into place: a concurrent first use keeps one key
        tmp = folder / f".{ENTITY_ID_KEY}.{secrets.token_hex(8)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(KEY_BYTES))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise StoreError(
            f"{path}: an entity-id key is {KEY_BYTES} bytes, this file has {len(key)}",
            hint="restore the key file from backup; a new key changes every entity id",
        )
    return key
