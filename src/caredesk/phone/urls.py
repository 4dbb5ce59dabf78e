from django.urls import re_path

from caredesk.phone import views

app_name = "phone"
urlpatterns = [
    # with or without the trailing slash: Twilio does not follow a redirect with its POST
    re_path(r"^twilio/?$", views.twilio_webhook, name="twilio"),
]
