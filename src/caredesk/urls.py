from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from caredesk.accounts import views as accounts
from caredesk.accounts.views import SignInView
from caredesk.api.api import api
from caredesk.core.views import healthz, home
from caredesk.monitoring import metrics

admin.site.site_header = "CareDesk administration"
admin.site.site_title = "CareDesk admin"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path(
        "login/",
        SignInView.as_view(
            # Django's view would name the site after the request's host otherwise.
            extra_context={"site_name": settings.CAREDESK_SITE_NAME},
        ),
        name="login",
    ),
    path("login/code/", accounts.signin_code, name="login-code"),
    path("login/enroll/", accounts.signin_enroll, name="login-enroll"),
    path("login/sso/", accounts.sso_start, name="login-sso"),
    path("login/sso/callback/", accounts.sso_callback, name="login-sso-callback"),
    path("login/saml/", accounts.saml_start, name="login-saml"),
    path("login/saml/acs/", accounts.saml_acs, name="login-saml-acs"),
    path("login/saml/finish/", accounts.saml_finish, name="login-saml-finish"),
    path("login/saml/metadata/", accounts.saml_metadata, name="login-saml-metadata"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", accounts.account, name="account"),
    path("account/two-step/", accounts.account_enroll, name="account-enroll"),
    path("account/two-step/codes/", accounts.account_codes, name="account-codes"),
    path("account/two-step/off/", accounts.account_mfa_off, name="account-mfa-off"),
    path("account/password/", accounts.account_password, name="account-password"),
    path("account/sign-out-everywhere/", accounts.sign_out_everywhere, name="sign-out-everywhere"),
    path("session/", accounts.session_status, name="session-status"),
    # the administration signs in through the same two steps as everyone else
    path("admin/login/", accounts.admin_login, name="admin-login"),
    path("agent/chats/", include("caredesk.chat.desk_urls")),
    path("agent/governance/", include("caredesk.governance.urls")),
    path("agent/complaints/", include("caredesk.complaints.urls")),
    path("agent/oncall/", include("caredesk.oncall.urls")),
    path("agent/training/", include("caredesk.training.urls")),
    path("agent/devices/", include("caredesk.devices.urls")),
    path("agent/knowledge/", include("caredesk.knowledge.urls")),
    path("agent/quality/", include("caredesk.qa.urls")),
    path("agent/feedback/", include("caredesk.feedback.urls")),
    path("agent/reports/", include("caredesk.reports.urls")),
    path("agent/incidents/", include("caredesk.incidents.urls")),
    path("agent/", include("caredesk.desk.urls")),
    path("portal/", include("caredesk.portal.urls")),
    path("help/", include("caredesk.selfserve.urls")),
    path("help/", include("caredesk.knowledge.public_urls")),
    path("chat/", include("caredesk.chat.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("hooks/phone/", include("caredesk.phone.urls")),
    path("", include("caredesk.oncall.public_urls")),
    path("feedback/", include("caredesk.feedback.public_urls")),
    path("status/", include("caredesk.incidents.public_urls")),
    path("incident-survey/", include("caredesk.incidents.survey_urls")),
]

handler404 = "caredesk.core.views.not_found"
