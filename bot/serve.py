"""Start the Rasa server with its secrets and limits: ``python -m bot.serve [rasa run args]``.

Why not plain ``rasa run --auth-token ...``: a token on the command line is visible to every
user of the machine in ``ps``. Here the token comes from ``RASA_API_TOKEN`` or the private file
the setup made (``var/rasa_api_token``) and is added to Rasa's arguments inside the process
(``/proc/<pid>/cmdline`` keeps the original arguments). The server listens on loopback unless
``RASA_HOST`` says otherwise (a reverse proxy forwards the public paths), and Sanic refuses a body
above ``REQUEST_MAX_SIZE`` before reading it, so nobody can fill Rasa's memory with huge posts.
"""
from __future__ import annotations

import os
import sys
from typing import List, MutableMapping, Optional, Sequence

from assistant.settings import settings
from assistant.secret_files import read_secret

MAX_BODY_BYTES = 64 * 1024


def rasa_arguments(argv: Sequence[str], environ: MutableMapping[str, str]) -> List[str]:
    """``rasa run`` arguments with the token and interface added (and the body limit set)."""
    token = read_secret("RASA_API_TOKEN", "rasa_api_token")
    if not token:
        sys.exit("FOUT: RASA_API_TOKEN ontbreekt (of var/rasa_api_token); start via 'make run'.")
    args = list(argv) or ["run"]
    if "--interface" not in args and "-i" not in args:
        args += ["--interface", settings().rasa_host or "127.0.0.1"]
    environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_BODY_BYTES))
    return ["rasa", *args, "--auth-token", token]


def main(argv: Optional[Sequence[str]] = None) -> None:
    from rasa.__main__ import main as rasa_main

    sys.argv = rasa_arguments(sys.argv[1:] if argv is None else argv, os.environ)
    rasa_main()


if __name__ == "__main__":
    main()
