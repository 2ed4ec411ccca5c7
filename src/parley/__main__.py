"""``python -m parley``: the same as the ``parley`` command."""

from parley.cli.app import main

if __name__ == "__main__":
    main()
