from django.urls import path

from linli.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp, name="login_otp"),
    path("signup/", views.sign_up_view, name="sign_up"),
    path("signup/done/", views.sign_up_done, name="sign_up_done"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/reset/", views.password_reset_view, name="password_reset"),
    path("2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("users/", views.user_list, name="user_list"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path(
        "users/<int:user_id>/roles/<int:assignment_id>/revoke/",
        views.role_revoke_view,
        name="role_revoke",
    ),
    path("users/<int:user_id>/2fa/reset/", views.two_factor_reset_view, name="2fa_reset"),
    path("users/<int:user_id>/unlock/", views.account_unlock_view, name="unlock"),
]
