"""Take a file added with ``python -m data.add`` out of the dataset again.

    python -m data.remove ID_OR_FILE [--out DIR] [--user-data DIR]

The entry leaves the user-data manifest, its stored copy is deleted, and the dataset is rebuilt
and published without it (the same bytes as before it was added).
"""

from __future__ import annotations

import sys

from data.add import remove_main

if __name__ == "__main__":
    sys.exit(remove_main())
