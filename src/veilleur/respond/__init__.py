"""Graduated response: the playbook (steps as data, per-case state machine) and the documents to act
(Jinja2 templates as data, rendered to PDF, Markdown or plain text)."""
