"""Files the operator's commands read and write."""

import json
import os
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _


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


def read_json(path: Path, error: type[Exception]):
    """The JSON document in the file at `path`; `error` (with the file, and the line and
    column where it is not JSON) when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(_("%(file)s: cannot read: %(error)s") % {"file": path, "error": exc}) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            _("%(file)s line %(line)d column %(column)d: not JSON: %(error)s")
            % {"file": path.name, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from None
