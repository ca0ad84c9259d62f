"""`python -m bot` is the same as the `achilles-coach` command."""

import sys

from bot.cli import main

sys.exit(main())
