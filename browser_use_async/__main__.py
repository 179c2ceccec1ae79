"""`python -m browser_use_async`: the command-line client."""

import sys

from browser_use_async.cli import main

sys.exit(main())
