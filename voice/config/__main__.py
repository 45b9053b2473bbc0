"""`python -m voice.config [--write README.md]`: the configuration table."""

import sys
from pathlib import Path

from voice.config.table import markdown_table, write_table

if sys.argv[1:2] == ["--write"] and len(sys.argv) == 3:
    write_table(Path(sys.argv[2]))
else:
    print(markdown_table(), end="")
