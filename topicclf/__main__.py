"""``python -m topicclf``: the same command line as ``topicclf``."""

from topicclf.cli import entry

if __name__ == "__main__":
    entry()
