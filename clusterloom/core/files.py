"""Files the operator's commands write."""

import json
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it: a failure leaves neither a
    half-written output nor the temporary file."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_bytes(data) -> bytes:
    """JSON as the commands write it: UTF-8, indented, ending with a newline."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
