"""CareDesk: a support desk for clinical support teams."""

__version__ = "0.1.0"
