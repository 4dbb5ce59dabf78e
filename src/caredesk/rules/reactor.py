"""The rules as the ticket services' reactor (registered in RulesConfig.ready())."""

from __future__ import annotations

from caredesk.rules.services import (
    escalation_check,
    rules_after_open,
    rules_decide_new,
    rules_new_messages,
    rules_react,
    rules_react_sla,
)


class RulesReactor:
    """Routes new tickets, reacts to changes and SLA events, and decides escalation blocks."""

    decide_new = staticmethod(rules_decide_new)
    new_messages = staticmethod(rules_new_messages)
    after_open = staticmethod(rules_after_open)
    react = staticmethod(rules_react)
    react_sla = staticmethod(rules_react_sla)
    escalation_block = staticmethod(escalation_check)
