"""``python -m ccxt_lighter ...`` = the ``ccxt-lighter`` command (works where pip's script dir is not on PATH)."""
from .cli import main

raise SystemExit(main())
