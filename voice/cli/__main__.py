"""`python -m voice.cli` is `backpain`."""

import sys

from voice.cli import main

sys.exit(main())
