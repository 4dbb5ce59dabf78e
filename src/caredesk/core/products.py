"""What other apps hear about the product catalogue: when a unit of a product model is put on a
firmware version not seen before for the model (the devices app says so), the listeners
(training: forced recertification) react in the same transaction, without importing devices."""

from __future__ import annotations

from collections.abc import Callable

from caredesk.core.registries import Registry

# (product model SKU, firmware version)
FirmwareListener = Callable[[str, str], None]
firmware_listeners: Registry[FirmwareListener] = Registry("firmware listeners")


def firmware_listener_register(name: str, listener: FirmwareListener) -> None:
    firmware_listeners.register(name, listener)


def firmware_changed(*, sku: str, version: str) -> None:
    """A unit of the model `sku` now runs `version`: tell every listener."""
    if not sku or not version:
        return
    for listener in firmware_listeners:
        listener(sku, version)
