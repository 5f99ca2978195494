"""French law for veilleur: the offence catalogue (data), case qualification and prescription deadlines.

Everything here is indicative, not legal advice (``LABEL_FR`` / ``LABEL_EN``).
"""

from veilleur.law.catalogue import LABEL_EN, LABEL_FR, Offence, load_catalogue
from veilleur.law.deadlines import Deadline, add_months, case_deadlines, last_day, reminders
from veilleur.law.qualify import Candidate, Qualification, qualify

__all__ = [
    "LABEL_EN",
    "LABEL_FR",
    "Candidate",
    "Deadline",
    "Offence",
    "Qualification",
    "add_months",
    "case_deadlines",
    "last_day",
    "load_catalogue",
    "qualify",
    "reminders",
]
