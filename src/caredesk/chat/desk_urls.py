"""The agents' chat screens under /agent/chats/."""

from django.urls import path

from caredesk.chat import views

app_name = "chat-desk"
urlpatterns = [
    path("", views.chats, name="chats"),
    path("lists/", views.chat_lists, name="lists"),
    path("availability/", views.availability, name="availability"),
    path("<int:pk>/", views.chats, name="chat"),
    path("<int:pk>/upload/", views.agent_upload, name="upload"),
]
