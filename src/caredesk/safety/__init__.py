"""The safety screen: IMDRF-coded findings of harm or hazard in customer texts (pure Python)."""

from caredesk.safety.screen import OUTCOMES, Finding, screen

__all__ = ["OUTCOMES", "Finding", "screen"]
