"""`python -m veilleur` runs the CLI."""

from veilleur.cli import main

if __name__ == "__main__":
    main()
