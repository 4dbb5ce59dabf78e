"""Doors without a desk session: a page's acknowledgement link and Twilio's SMS replies."""

from django.urls import path, re_path

from caredesk.oncall import views

app_name = "oncall-public"
urlpatterns = [
    path("oncall/ack/<str:token>/", views.ack_link, name="ack"),
    # with or without the trailing slash: Twilio does not follow a redirect with its POST
    re_path(r"^hooks/oncall/twilio/sms/?$", views.sms_webhook, name="sms"),
]
