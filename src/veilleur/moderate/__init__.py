"""Moderation: actions on findings, decisions, queue priority and the read models behind the workspace."""
