"""The store's files are private to the account that owns them.

A store is one folder (`DOCKET_HOME`) holding the DuckDB file, its write-ahead log,
key files, the login token cache and the search index. The folder is created 0700 and
every file 0600: Docket sets the process umask to 077 before it creates anything, because
DuckDB creates its files (and the WAL, at the first write) with the process umask.

Opening refuses a store that the group or others can read or write, or that another
account owns: whoever can read the file reads every mention and password hash offline,
and whoever can write it can forge a session row or a role. A store shared by several
people is owned by the service account (`docket serve`); the others are its clients.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from docket.errors import StoreError

PRIVATE_UMASK = 0o077


def make_private() -> None:
    """Set the process umask so that every file and folder created from now on is private."""
    os.umask(PRIVATE_UMASK)


def private_folder(path: Path) -> Path:
    """Create `path` (mode 0700) if it does not exist; refuse it if it is not private."""
    if not path.exists():
        make_private()
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
    check_private(path)
    return path


def check_private(path: Path) -> None:
    """Refuse a store file or folder that another account owns or the group/others can use.

    A folder may be listable by others (its files carry their own modes) but not writable
    by them (they could replace the files); a file may not be readable or writable by them.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    is_dir = stat.S_ISDIR(st.st_mode)
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid != os.geteuid():
        raise StoreError(
            f"{path} belongs to another account (uid {st.st_uid}); Docket opens only "
            "stores of the account it runs as",
            hint="run Docket as the store's owner, or as its client: set DOCKET_URL to the "
            "service that owns the store (`docket serve`)",
        )
    loose = mode & (0o022 if is_dir else 0o066)
    if loose:
        want = "700" if is_dir else "600"
        who = "group" if loose & 0o060 else "others"
        raise StoreError(
            f"{path} is {'a folder' if is_dir else 'a store file'} the {who} can "
            f"{'write' if is_dir else 'read or write'} (mode {mode:03o}): its person data "
            "and password hashes would be open to every account on this machine",
            hint=f"restrict it: `chmod {want} {path}`; share a store through `docket serve` "
            "and DOCKET_URL, not through file permissions",
        )


def store_files(db: Path) -> list[Path]:
    """The DuckDB file and its write-ahead log."""
    return [db, db.with_name(db.name + ".wal")]


def write_private(path: Path, data: bytes) -> None:
    """Create or replace `path` with `data`, mode 0600, never readable by others meanwhile."""
    make_private()
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    tmp.replace(path)
