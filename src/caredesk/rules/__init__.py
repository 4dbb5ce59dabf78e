"""Rules: triage, routing and escalation policies that support leads can read, test and change."""
