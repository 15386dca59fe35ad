"""``python -m streamsmote``: the same as the ``streamsmote`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
