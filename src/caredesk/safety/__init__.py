"""The safety screen: IMDRF-coded findings of harm or hazard in customer texts (pure Python)."""

from caredesk.safety.screen import OUTCOMES, Finding, listed, screen

__all__ = ["OUTCOMES", "Finding", "listed", "screen"]
