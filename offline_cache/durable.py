"""Writing files so that a crash or power cut never leaves half of one behind."""

from __future__ import annotations

import os
from pathlib import Path

from offline_cache.private_files import open_private_for_writing


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temp file + fsync + rename so a reader never sees half a file.

    The file is 0600 whatever the umask: what the terminal writes is for its own user only.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    with os.fdopen(open_private_for_writing(tmp), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a rename, a new file) durable, not only the files' bytes."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
