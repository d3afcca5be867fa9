"""``python -m topicclf``: the same command line as ``topicclf``."""

import sys

from topicclf.cli import main

if __name__ == "__main__":
    sys.exit(main())
