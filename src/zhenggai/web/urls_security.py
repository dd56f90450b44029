"""The security pages (docs/security.md): sign-in steps, the account, the 三员 pages.

Included from ``web/urls.py`` inside the ``web`` namespace.
"""

from django.urls import path

from zhenggai.web.views import admin3, auth

urlpatterns = [
    path("login/totp/", auth.totp_view, name="login.totp"),
    path("login/totp/enrol/", auth.totp_enrol_view, name="login.totp.enrol"),
    path("account/", auth.account_view, name="account"),
    path("account/password/", auth.password_change_view, name="password.change"),
    path("security/roles/", admin3.roles, name="security.roles"),
    path("security/roles/grant/", admin3.grant, name="security.roles.grant"),
    path("security/roles/<int:pk>/revoke/", admin3.revoke, name="security.roles.revoke"),
    path("security/users/<int:pk>/", admin3.user_detail, name="security.user"),
    path("security/audit/", admin3.audit_log, name="security.audit"),
    path("security/audit/export/", admin3.audit_export, name="security.audit.export"),
    path("security/audit/verify/", admin3.audit_verify, name="security.audit.verify"),
]
