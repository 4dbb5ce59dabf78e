"""Governance writers: each is one transaction and writes its audit entry."""
