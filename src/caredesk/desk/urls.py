from django.urls import path

from caredesk.desk import (
    audit,
    bulk,
    export,
    macros,
    mentions,
    merge,
    protocols,
    savedviews,
    search,
    views,
)

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.csv", export.queue_export, name="queue-export"),
    path("search/", search.search_results, name="search"),
    path("tickets/new/", views.ticket_new, name="ticket-new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/update/", views.ticket_properties, name="ticket-update"),
    path("tickets/<int:pk>/take/", views.ticket_take, name="ticket-take"),
    path("tickets/<int:pk>/break-glass/", views.ticket_break_glass, name="ticket-break-glass"),
    path("tickets/<int:pk>/follow/", views.ticket_follow, name="ticket-follow"),
    path("tickets/<int:pk>/merge/", merge.ticket_merge_view, name="ticket-merge"),
    path("tickets/<int:pk>/ccs/", merge.ticket_cc_add, name="ticket-cc-add"),
    path(
        "tickets/<int:pk>/ccs/<int:cc_id>/remove/", merge.ticket_cc_remove, name="ticket-cc-remove"
    ),
    path("tickets/<int:pk>/safety/", views.ticket_safety, name="ticket-safety"),
    path("tickets/<int:pk>/escalate/", protocols.escalate, name="ticket-escalate"),
    path("tickets/<int:pk>/mentions/", mentions.mention_options, name="ticket-mention-options"),
    path("notifications/", protocols.notifications, name="notifications"),
    path("views/", savedviews.views_page, name="views"),
    path("views/new/", savedviews.view_new, name="view-new"),
    path("views/<int:pk>/", savedviews.view_change, name="view-change"),
    path("views/<int:pk>/delete/", savedviews.view_delete, name="view-delete"),
    path("live/", protocols.live, name="live"),
    path("policies/", protocols.policies, name="policies"),
    path("policies/new/", protocols.policy_edit, name="policy-new"),
    path("policies/import/", protocols.policies_import, name="policies-import"),
    path("policies/<slug:slug>/", protocols.policy_edit, name="policy"),
    path("policies/<slug:slug>/rollback/", protocols.policy_rollback, name="policy-rollback"),
    path("policies/<slug:slug>/form/", protocols.policy_form, name="policy-form"),
    path("tokens/", views.tokens, name="tokens"),
    # macros from the reply box, and bulk actions on a queue's selection
    path("tickets/<int:pk>/macros/", macros.picker, name="ticket-macros"),
    path("tickets/<int:pk>/macros/<int:macro_id>/", macros.preview, name="ticket-macro"),
    path("macros/", macros.macro_list, name="macros"),
    path("macros/new/", macros.macro_edit, name="macro-new"),
    path("macros/<int:macro_id>/", macros.macro_edit, name="macro"),
    path("bulk/", bulk.bulk_update, name="bulk"),
    path("bulk/merge/", merge.bulk_merge, name="bulk-merge"),
    path("compliance/audit/", audit.audit_list, name="audit"),
    path("compliance/audit/export.csv", audit.audit_export, name="audit-export"),
]
