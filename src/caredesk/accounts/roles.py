"""Roles are groups with permissions; created (and kept current) after every migrate."""

from __future__ import annotations

from typing import Any

ROLE_AGENT = "Agent"
ROLE_SUPERVISOR = "Supervisor"
ROLE_ADMIN = "Administrator"
ROLE_COMPLIANCE = "Compliance officer"
ROLE_QUALITY = "Clinical and quality"
ROLE_TECHNICIAN = "Repair technician"

# a data subject's export holds their data unmasked (their own): the privacy role's alone
EXPORT_PERSONAL_DATA = "governance.export_subject"

# access reviews, retention and holds, personal data requests, breaches
GOVERNANCE = [
    "governance.view_accessreview",
    "governance.sign_accessreview",
    "governance.deactivate_staff",
    "governance.view_retentionrule",
    "governance.change_retentionrule",
    "governance.view_legalhold",
    "governance.add_legalhold",
    "governance.change_legalhold",
    "governance.view_subjectrequest",
    "governance.erase_subject",
    "governance.view_breach",
    "governance.add_breach",
    "governance.change_breach",
]

# complaint files (21 CFR 820.198): the desk's people open and complete them; the MDR
# reportability decision and the auditor's export are clinical and quality staff's
COMPLAINTS_WORK = [
    "complaints.view_complaint",
    "complaints.add_complaint",
    "complaints.change_complaint",
]
COMPLAINTS_DECIDE = [
    *COMPLAINTS_WORK,
    "complaints.decide_reportability",
    "complaints.export_complaint",
    "complaints.view_complaintversion",
]
# on call: everyone who works tickets sees the schedules and pages and acknowledges a page;
# support leads move people with overrides; administrators set up rotations and policies
ONCALL_VIEW = ["oncall.view_schedule", "oncall.view_page", "oncall.acknowledge_page"]
ONCALL_OVERRIDES = ["oncall.view_override", "oncall.add_override", "oncall.delete_override"]
ONCALL_SETUP = [
    f"oncall.{verb}_{model}"
    for model in ("schedule", "layer", "layermember", "escalationpolicy", "escalationstep")
    for verb in ("view", "add", "change", "delete")
] + ["oncall.view_pagingcontact", "oncall.add_pagingcontact", "oncall.change_pagingcontact"]

# the desk's custom statuses (everyone who works tickets uses them): support leads and
# administrators add, rename, reorder and deactivate them
CUSTOM_STATUSES = [
    "tickets.view_customstatus",
    "tickets.add_customstatus",
    "tickets.change_customstatus",
]

# devices: everyone who works tickets sees assets, product models and service contracts;
# support leads and administrators register, change and import assets, read the service plans
# and make, cancel and record the renewal of contracts; administrators keep the product
# catalogue and the service plans
DEVICES_VIEW = [
    "devices.view_asset",
    "devices.view_productmodel",
    "devices.view_productclass",
    "devices.view_contract",
]
DEVICES_WORK = [
    *DEVICES_VIEW,
    "devices.add_asset",
    "devices.change_asset",
    "devices.import_asset",
    "devices.view_serviceplan",
    "devices.add_contract",
    "devices.change_contract",
    "devices.cancel_contract",
]
DEVICES_CATALOGUE = [
    f"devices.{verb}_{model}"
    for model in ("productclass", "productmodel", "serviceplan")
    for verb in ("add", "change")
]
# spare parts: support leads and administrators see the parts and their stock and receive,
# adjust, count and transfer it (and are told when a part drops below its floor);
# administrators keep the parts catalogue and the stock locations
PARTS_STOCK = ["devices.view_part", "devices.view_stocklocation", "devices.manage_stock"]
PARTS_CATALOGUE = [
    f"devices.{verb}_{model}" for model in ("part", "stocklocation") for verb in ("add", "change")
]
# RMA repairs: agents open them from tickets and follow them; repair technicians work the bench
# (findings, parts, statuses) and validate; support leads and administrators do all of it
RMA_OPEN = ["devices.view_rma", "devices.add_rma"]
RMA_BENCH = [*RMA_OPEN, "devices.change_rma", "devices.validate_rma", "devices.view_part"]
# the knowledge base: everyone who works tickets reads it (internal articles too); support
# leads, the clinical and quality staff and administrators write, submit and publish articles
KNOWLEDGE_READ = ["knowledge.view_article"]
KNOWLEDGE_AUTHOR = [*KNOWLEDGE_READ, "knowledge.author_article"]
# quality assurance: everyone who works tickets sees the reviews of their own work and may
# dispute one; support leads and the clinical and quality staff review the weekly sample, keep
# the rubric, resolve disputes, run calibration sessions and read the reports
QA_RECEIVE = ["qa.receive_review"]
QA_REVIEW = [
    *QA_RECEIVE,
    "qa.review_quality",
    "qa.lead_quality",
    "qa.view_qa_report",
    "qa.view_rubric",
    "qa.change_rubric",
]
# training: everyone who works tickets follows their own training and, once certified, signs
# off others' shadowing and approves held replies; support leads and administrators keep the
# curricula, question banks, skills and gating and grant certifications
TRAINING_OWN = ["training.view_skill", "training.signoff_shadowing"]
TRAINING_MANAGE = [*TRAINING_OWN, "training.manage_training"]
# customer feedback: everyone who works tickets sees their own satisfaction results and follows
# up a comment; support leads, clinical and quality staff and administrators see everyone's;
# administrators change the survey settings
FEEDBACK_OWN = ["feedback.view_survey", "feedback.follow_up_survey"]
FEEDBACK_ALL = [*FEEDBACK_OWN, "feedback.view_all_feedback"]
# the status page: support leads and administrators schedule maintenance and see subscribers
STATUS_MANAGE = [
    "incidents.view_maintenance",
    "incidents.add_maintenance",
    "incidents.change_maintenance",
    "incidents.delete_maintenance",
]
# reports: everyone who works tickets sees their own figures; support leads, clinical and quality
# staff and administrators see the whole desk's and open any figure on its tickets (as far as
# they see tickets); support leads and administrators schedule reports by mail; administrators
# change the KPI targets (deleting one restores the default)
REPORTS_OWN = ["reports.view_own_reports"]
REPORTS_ALL = [*REPORTS_OWN, "reports.view_all_reports"]
REPORTS_SCHEDULE = ["reports.manage_reportschedule"]  # support leads and administrators
REPORTS_TARGETS = [f"reports.{verb}_kpitarget" for verb in ("view", "add", "change", "delete")]
FEEDBACK_SETUP = ["feedback.view_feedbacksettings", "feedback.change_feedbacksettings"]
# incidents: everyone who works tickets sees incidents, declares one, links tickets, posts
# updates and resolves (any of them may be the commander); support leads and administrators
# also keep the severity targets; administrators alone set up the status page (components,
# monitors that call out to configured addresses, maintenance)
INCIDENTS_WORK = [
    "incidents.view_incident",
    "incidents.declare_incident",
    "incidents.manage_incident",
]
INCIDENTS_TARGETS = [
    *INCIDENTS_WORK,
    "incidents.view_severitytarget",
    "incidents.change_severitytarget",
]
# the status page's set-up: services, components and their synthetic monitors (administrators)
INCIDENTS_STATUS_SETUP = ["incidents.manage_status"]
# root-cause reviews of incidents: everyone who works tickets reads them and the report and
# writes the reviews they own; support leads and administrators write and complete any
INCIDENT_REVIEWS_READ = ["incidents.view_review"]
INCIDENT_REVIEWS_WRITE = [*INCIDENT_REVIEWS_READ, "incidents.change_review"]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ROLE_AGENT: [
        "rules.view_macro",
        "tickets.view_ticket",
        "tickets.view_phi",
        "tickets.change_ticket",
        "tickets.add_ticket",
        "tickets.merge_ticket",
        "accounts.view_contact",
        "accounts.view_organization",
        "accounts.view_team",
        *COMPLAINTS_WORK,
        *ONCALL_VIEW,
        *DEVICES_VIEW,
        *RMA_OPEN,
        *KNOWLEDGE_READ,
        *QA_RECEIVE,
        *TRAINING_OWN,
        *FEEDBACK_OWN,
        *REPORTS_OWN,
        *INCIDENTS_WORK,
        *INCIDENT_REVIEWS_READ,
    ],
    ROLE_SUPERVISOR: [
        "tickets.view_ticket",
        "tickets.view_phi",
        "tickets.change_ticket",
        "tickets.add_ticket",
        "tickets.view_all_tickets",
        "tickets.export_ticket",
        "tickets.merge_ticket",
        "accounts.view_contact",
        "accounts.add_contact",
        "accounts.change_contact",
        "accounts.view_organization",
        "accounts.view_team",
        "sla.view_slapolicy",
        "sla.view_calendar",
        # a support lead reads, tries and changes the protocols
        "rules.view_policy",
        "rules.change_policy",
        "rules.simulate_policy",
        "rules.view_macro",
        # and reads the mailboxes the protocols can be scoped to
        "tickets.view_mailbox",
        # and keeps the desk's shared macros (everyone who works tickets keeps their own)
        "rules.add_macro",
        "rules.change_macro",
        # a support lead shares saved views with a team
        "workspace.share_savedview",
        *CUSTOM_STATUSES,
        # and keeps the checklists agents tick on tickets
        "tickets.view_checklisttemplate",
        "tickets.add_checklisttemplate",
        "tickets.change_checklisttemplate",
        *COMPLAINTS_WORK,
        *ONCALL_VIEW,
        *ONCALL_OVERRIDES,
        *DEVICES_WORK,
        *PARTS_STOCK,
        *RMA_BENCH,
        *KNOWLEDGE_AUTHOR,
        *QA_REVIEW,
        *TRAINING_MANAGE,
        *FEEDBACK_ALL,
        *REPORTS_ALL,
        *REPORTS_SCHEDULE,
        *INCIDENTS_TARGETS,
        *INCIDENT_REVIEWS_WRITE,
        *STATUS_MANAGE,
    ],
    # the clinical liaisons and the quality (regulatory) staff: work any ticket, decide whether
    # a complaint is reportable under 21 CFR 803 and export complaint files for an auditor
    ROLE_QUALITY: [
        "tickets.view_ticket",
        "tickets.view_phi",
        "tickets.change_ticket",
        "tickets.add_ticket",
        "tickets.view_all_tickets",
        "tickets.merge_ticket",
        "accounts.view_contact",
        "accounts.view_organization",
        "accounts.view_team",
        "rules.view_macro",
        *COMPLAINTS_DECIDE,
        *ONCALL_VIEW,
        *DEVICES_VIEW,
        *RMA_OPEN,
        *KNOWLEDGE_AUTHOR,
        *QA_REVIEW,
        *TRAINING_OWN,
        *FEEDBACK_ALL,
        *REPORTS_ALL,
        *INCIDENTS_WORK,
        *INCIDENT_REVIEWS_READ,
    ],
    ROLE_ADMIN: [
        *INCIDENTS_STATUS_SETUP,
        *REPORTS_TARGETS,
        *REPORTS_SCHEDULE,
        "tickets.view_ticket",
        "tickets.change_ticket",
        "tickets.add_ticket",
        "tickets.view_all_tickets",
        "tickets.view_requesttype",
        "tickets.add_requesttype",
        "tickets.change_requesttype",
        "tickets.view_requestfield",
        "tickets.add_requestfield",
        "tickets.change_requestfield",
        "tickets.delete_requestfield",
        "tickets.view_mailbox",
        "tickets.add_mailbox",
        "tickets.change_mailbox",
        *CUSTOM_STATUSES,
        "tickets.view_checklisttemplate",
        "tickets.add_checklisttemplate",
        "tickets.change_checklisttemplate",
        "accounts.view_contact",
        "accounts.add_contact",
        "accounts.change_contact",
        "accounts.view_organization",
        "accounts.add_organization",
        "accounts.change_organization",
        "accounts.view_team",
        "accounts.add_team",
        "accounts.change_team",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        # integrations' accounts and their tokens (people make their own on the desk)
        "accounts.view_serviceaccount",
        "accounts.add_serviceaccount",
        "accounts.change_serviceaccount",
        "accounts.view_apitoken",
        "accounts.add_apitoken",
        "accounts.change_apitoken",
        "sla.view_slapolicy",
        "sla.add_slapolicy",
        "sla.change_slapolicy",
        "sla.delete_slapolicy",
        "sla.view_slatarget",
        "sla.add_slatarget",
        "sla.change_slatarget",
        "sla.delete_slatarget",
        "sla.view_calendar",
        "sla.add_calendar",
        "sla.change_calendar",
        "rules.view_policy",
        "rules.add_policy",
        "rules.change_policy",
        "rules.simulate_policy",
        "rules.view_policyversion",
        "rules.view_macro",
        "rules.add_macro",
        "rules.change_macro",
        "workspace.share_savedview",
        "integrations.view_webhookendpoint",
        "integrations.add_webhookendpoint",
        "integrations.change_webhookendpoint",
        "integrations.view_webhookdelivery",
        "integrations.view_trackerissue",
        # deliveries of mail, webhooks and tracker issues; given-up ones can be sent again
        "core.view_outboxitem",
        "core.replay_outboxitem",
        "intake.view_inboundmail",
        "intake.change_inboundmail",
        *GOVERNANCE,
        *ONCALL_VIEW,
        *ONCALL_OVERRIDES,
        *ONCALL_SETUP,
        *DEVICES_WORK,
        *DEVICES_CATALOGUE,
        *PARTS_STOCK,
        *PARTS_CATALOGUE,
        *RMA_BENCH,
        *KNOWLEDGE_AUTHOR,
        "knowledge.view_category",
        "knowledge.add_category",
        "knowledge.change_category",
        *TRAINING_MANAGE,
        *FEEDBACK_ALL,
        *REPORTS_ALL,
        *INCIDENT_REVIEWS_WRITE,
        *FEEDBACK_SETUP,
        *INCIDENTS_TARGETS,
        *STATUS_MANAGE,
    ],
    # reads and exports the access audit and runs governance; sees no tickets unless given
    # another role too
    ROLE_COMPLIANCE: [
        "compliance.view_auditentry",
        "compliance.export_auditentry",
        *GOVERNANCE,
        # the privacy role: a data subject's own data, unmasked, for a recorded reason
        EXPORT_PERSONAL_DATA,
        # told about every "break the glass"; administrators configure and do not read PHI
        "tickets.view_breakglassgrant",
    ],
}


# the repair bench: works the tickets of their teams as agents do, and the RMAs on the bench
ROLE_PERMISSIONS[ROLE_TECHNICIAN] = [*ROLE_PERMISSIONS[ROLE_AGENT], *RMA_BENCH]


def ensure_roles(sender: Any = None, using: str = "default", **_: Any) -> None:
    """Create the role groups and give them their permissions (idempotent).

    `migrate` and `flush` send post_migrate once per application, each creating that
    application's permissions; the roles are set once, after the last one, from one read of
    every permission (a test database is flushed after each transactional test)."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not None and with_models and sender is not with_models[-1]:
        return
    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([known[dotted] for dotted in perms if dotted in known])
