"""The conversation pass: pile-ons (raids) in flat chats and small groups, campaigns of repeated
harassment, doxxing, and short replies harmful in their context. Registered as the ``conversation``
community pass (entry point ``veilleur.passes``); options under ``[detectors.conversation]``
(``settings.py``, docs/conversations.md). The pass itself is in ``detector.py``."""

from veilleur.detect.conversation.analyse import Settings, analyse
from veilleur.detect.conversation.detector import DETECTOR, VERSION, ConversationPass, factory, findings_from

__all__ = ["DETECTOR", "VERSION", "ConversationPass", "Settings", "analyse", "factory", "findings_from"]
