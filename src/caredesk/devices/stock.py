"""Stock keeping's entry point for the repair bench: parts fitted in a repair leave stock here.

The repair services call `take_for_repair`; the stock keeper (spare parts: locations, levels,
movements) is the only writer of stock.
"""

from __future__ import annotations

from typing import Any

from caredesk.devices.models import Part


def take_for_repair(part: Part, quantity: int, *, actor: Any, reference: str) -> None:
    """Take `quantity` of `part` out of the repair stock for the repair named `reference`
    ("RMA-12"), attributed to `actor`. Until stock levels are kept this records nothing."""
    del part, quantity, actor, reference
