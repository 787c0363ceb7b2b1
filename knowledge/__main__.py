"""Allow `python -m knowledge ...`."""
from .cli import main

raise SystemExit(main())
