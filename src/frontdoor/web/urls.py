from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("branding/<slug:slug>.css", views.branding_css, name="branding-css"),
    path("branding/<slug:slug>/logo", views.branding_logo, name="branding-logo"),
    path("council/switch/", views.switch_council, name="switch-council"),
]
