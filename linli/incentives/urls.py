from django.urls import path

from linli.incentives.views import honours, points, shop, timebank

app_name = "incentives"

urlpatterns = [
    path("points/", points.my_points, name="points"),
    path("points/<int:volunteer_id>/", points.volunteer_points, name="volunteer_points"),
    path("points/<int:volunteer_id>/recruiter/", points.recruiter, name="recruiter"),
    path("rules/", points.rules, name="rules"),
    path("shop/", shop.shop, name="shop"),
    path("shop/<int:pk>/cancel/", shop.cancel, name="cancel"),
    path("shop/items/<int:pk>/photo/", shop.item_photo, name="item_photo"),
    path("shop/counter/", shop.counter, name="counter"),
    path("shop/manage/", shop.manage, name="manage"),
    path("shop/report.xlsx", shop.report, name="report"),
    path("timebank/", timebank.timebank, name="timebank"),
    path("timebank/passbook.pdf", timebank.timebank_pdf, name="passbook_pdf"),
    path("timebank/pool/", timebank.pool, name="pool"),
    path("honours/", honours.honours, name="honours"),
    path("honours/<int:pk>/<slug:action>/", honours.honour_act, name="honour_act"),
    path("nominations/<int:pk>/review/", honours.nomination_act, name="review"),
]
