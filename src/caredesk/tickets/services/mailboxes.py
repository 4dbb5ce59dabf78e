"""Mailboxes: the addresses tickets arrive on and the brands they speak for. Administrators
keep them; intake finds the one a mail was sent to; replies go out from it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formataddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from caredesk.accounts.models import Team, User
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.tickets.models import Mailbox, Ticket

CHANGE = "tickets.change_mailbox"


@dataclass(frozen=True)
class MailboxIn:
    address: str
    name: str
    brand: str
    team: Team | None = None
    signature: str = ""
    is_default: bool = False
    active: bool = True


def bare_address(address: str) -> str:
    """The address without a +tag in its local part, lower case (support+t12-ab@x → support@x)."""
    address = address.strip().lower()
    if "@" not in address:
        return address
    local, domain = address.rsplit("@", 1)
    return f"{local.split('+', 1)[0]}@{domain}"


def _validated(data: MailboxIn) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    address = data.address.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        errors["address"] = ["Give an email address, e.g. support@example.org."]
    else:
        if "+" in address.split("@", 1)[0]:
            errors["address"] = ["Give the address without a +tag (replies add their own)."]
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = ["Give the name replies are sent under."]
    elif len(name) > 120:
        errors["name"] = ["Keep the name under 120 characters."]
    brand = data.brand.strip().lower()
    if not brand or slugify(brand) != brand or len(brand) > 50:
        errors["brand"] = ["Give a short slug: lower-case letters, digits and hyphens."]
    if len(data.signature) > 2000:
        errors["signature"] = ["Keep the signature under 2,000 characters."]
    if data.is_default and not data.active:
        errors["active"] = ["The default mailbox stays active."]
    if errors:
        raise ValidationFailed("The mailbox could not be saved.", errors=errors)
    return {
        "address": address,
        "name": name,
        "brand": brand,
        "team": data.team,
        "signature": data.signature.strip(),
        "is_default": data.is_default,
        "active": data.active,
    }


def mailbox_save(*, mailbox: Mailbox | None, data: MailboxIn, actor: User) -> Mailbox:
    """Create or change a mailbox (administrators). Making one the default takes it from the
    mailbox that was."""
    if not actor.has_perm(CHANGE):
        raise PermissionDenied("Only administrators keep the mailboxes.")
    values = _validated(data)
    taken = Mailbox.objects.filter(address=values["address"])
    if mailbox is not None:
        taken = taken.exclude(pk=mailbox.pk)
    clash = {"address": ["Another mailbox has this address."]}
    if taken.exists():
        raise ValidationFailed("The mailbox could not be saved.", errors=clash)
    mailbox = mailbox or Mailbox()
    for key, value in values.items():
        setattr(mailbox, key, value)
    try:
        with transaction.atomic():
            if mailbox.is_default:
                Mailbox.objects.filter(is_default=True).exclude(pk=mailbox.pk).update(
                    is_default=False
                )
            mailbox.save()
    except IntegrityError:  # the same address saved at the same moment
        raise ValidationFailed("The mailbox could not be saved.", errors=clash) from None
    return mailbox


def mailbox_for(addresses: Iterable[str]) -> Mailbox | None:
    """The active mailbox of the first of these addresses that has one (one query)."""
    wanted = [bare_address(a) for a in addresses if a]
    if not wanted:
        return None
    found = {
        m.address: m
        for m in Mailbox.objects.select_related("team").filter(address__in=wanted, active=True)
    }
    return next((found[a] for a in wanted if a in found), None)


def mailbox_of(ticket: Ticket, *, fall_back: bool = True) -> Mailbox | None:
    """The mailbox a ticket speaks through: the one it arrived on, else (with `fall_back`) the
    default one."""
    if ticket.received_via_id is not None:
        return ticket.received_via
    return Mailbox.objects.filter(is_default=True).first() if fall_back else None


def mailbox_of_brand(brand: str) -> Mailbox | None:
    """The active mailbox a brand's portal link speaks for: the default one if it has that
    brand, else its first address (None for a brand no active mailbox has)."""
    brand = brand.strip().lower()[:50]
    if not brand:
        return None
    return (
        Mailbox.objects.filter(brand=brand, active=True).order_by("-is_default", "address").first()
    )


def sender(mailbox: Mailbox) -> str:
    """The From of mail sent through a mailbox: "Member Services <members@example.org>"."""
    return formataddr((mailbox.name, mailbox.address))
