from django.urls import path

from caredesk.devices import plan_views, stock_views, views

app_name = "devices"
urlpatterns = [
    path("", views.asset_list, name="assets"),
    path("import/", views.asset_import, name="import"),
    path("models/", views.model_list, name="models"),
    path("<int:pk>/", views.asset_detail, name="asset"),
    path("<int:pk>/edit/", views.asset_edit, name="asset-edit"),
    path("parts/", stock_views.part_list, name="parts"),
    path("parts/<int:pk>/", stock_views.part_detail, name="part"),
    path("parts/<int:pk>/receive/", stock_views.part_receive, name="part-receive"),
    path("parts/<int:pk>/adjust/", stock_views.part_adjust, name="part-adjust"),
    path("parts/<int:pk>/transfer/", stock_views.part_transfer, name="part-transfer"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan-new"),
    path("plans/<int:pk>/", plan_views.plan_edit, name="plan-edit"),
    path("contracts/", plan_views.contract_list, name="contracts"),
    path("contracts/new/", plan_views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", plan_views.contract_detail, name="contract"),
    path("contracts/<int:pk>/cancel/", plan_views.contract_cancel_view, name="contract-cancel"),
    path("contracts/<int:pk>/decline/", plan_views.contract_decline_view, name="contract-decline"),
    path(
        "contracts/<int:pk>/auto-renew/", plan_views.contract_auto_renew, name="contract-auto-renew"
    ),
    path("renewals/", plan_views.renewals, name="renewals"),
]
