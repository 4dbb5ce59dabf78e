"""Admin: complaint files and their versions are shown, never added, edited or deleted there
(the desk's screens write them through the services, each change a new version). The
complainant's details are health information and are left out, as on the admin's tickets."""

from __future__ import annotations

from django.contrib import admin

from caredesk.complaints.models import Complaint, ComplaintVersion
from caredesk.complaints.services import PHI
from caredesk.core.admin_mixins import EvidenceAdmin
from caredesk.tickets.admin import TicketVisibleAdmin


@admin.register(Complaint)
class ComplaintAdmin(EvidenceAdmin, TicketVisibleAdmin):
    list_display = ("__str__", "ticket", "aware_on", "status", "reportability", "mdr_due_on")
    list_filter = ("status", "reportability", "patient_outcome")
    exclude = PHI
    readonly_fields = [f.name for f in Complaint._meta.fields if f.name not in PHI]


@admin.register(ComplaintVersion)
class ComplaintVersionAdmin(EvidenceAdmin, TicketVisibleAdmin):
    ticket_field = "complaint__ticket"
    list_display = ("__str__", "actor", "at", "note")
    exclude = PHI
    readonly_fields = [f.name for f in ComplaintVersion._meta.fields if f.name not in PHI]
