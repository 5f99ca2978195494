"""Text harm detection (placeholder)."""
