from django.urls import path

from caredesk.desk import audit, export, protocols, search, views

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
    path("tickets/<int:pk>/safety/", views.ticket_safety, name="ticket-safety"),
    path("tickets/<int:pk>/escalate/", protocols.escalate, name="ticket-escalate"),
    path("notifications/", protocols.notifications, name="notifications"),
    path("live/", protocols.live, name="live"),
    path("policies/", protocols.policies, name="policies"),
    path("policies/new/", protocols.policy_edit, name="policy-new"),
    path("policies/import/", protocols.policies_import, name="policies-import"),
    path("policies/<slug:slug>/", protocols.policy_edit, name="policy"),
    path("policies/<slug:slug>/rollback/", protocols.policy_rollback, name="policy-rollback"),
    path("tokens/", views.tokens, name="tokens"),
    path("compliance/audit/", audit.audit_list, name="audit"),
    path("compliance/audit/export.csv", audit.audit_export, name="audit-export"),
]
