"""veilleur: protects patients and doctors in online medical communities."""

__version__ = "0.1.0"
