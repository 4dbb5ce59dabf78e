from django.urls import path

from caredesk.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/new/", views.ticket_new, name="ticket-new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/update/", views.ticket_properties, name="ticket-update"),
    path("tickets/<int:pk>/take/", views.ticket_take, name="ticket-take"),
    path("tickets/<int:pk>/follow/", views.ticket_follow, name="ticket-follow"),
    path("tokens/", views.tokens, name="tokens"),
]
