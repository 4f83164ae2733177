"""Demo entries of every register, so that the pages show something on the first run."""

from importlib import import_module
from typing import Any

from .. import REGISTERS


def load(data: Any) -> None:
    for register in REGISTERS:
        module = import_module(f"{__name__}.{register}")
        if hasattr(module, "load"):
            module.load(data)
