"""``checkov-dir``: print the folder of Checkov check shims, for ``--external-checks-dir``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK


def run(args: argparse.Namespace) -> int:
    from .. import checkov_checks

    print(Path(checkov_checks.__file__).resolve().parent)
    return EXIT_OK
