from django.urls import path

from govid.backoffice.views import accounts, blank, helpdesk, reports, requests, roles

app_name = "backoffice"
urlpatterns = [
    path("", requests.home, name="home"),
    path("de-nghi/", requests.request_list, name="requests"),
    path("de-nghi/moi/", requests.new_request, name="new_request"),
    path("de-nghi/<int:pk>/", requests.request_detail, name="request"),
    path("de-nghi/<int:pk>/them/", requests.add_line, name="add_line"),
    path("de-nghi/<int:pk>/bo/<int:line>/", requests.remove_line, name="remove_line"),
    path("de-nghi/<int:pk>/ban-quet/", requests.scan, name="scan"),
    path("de-nghi/<int:pk>/cong-van.pdf", requests.letter, name="letter"),
    path("mau-de-nghi.pdf", blank.blank_letter, name="blank_letter"),
    path("de-nghi/<int:pk>/chuyen/", requests.move, name="move"),
    path("tai-khoan/", accounts.account_list, name="accounts"),
    path("tai-khoan/xuat.xlsx", accounts.account_export, name="export"),
    path("nhap/", accounts.import_upload, name="import"),
    path("nhap/<int:pk>/", accounts.import_preview, name="import_preview"),
    path("nhap/<int:pk>/cap-nhat/", accounts.import_apply, name="import_apply"),
    path("bao-cao/", reports.report, name="report"),
    path("bao-cao.csv", reports.report_csv, name="report_csv"),
    path("nhat-ky/", reports.audit_log, name="audit"),
    path("nhat-ky.csv", reports.audit_csv, name="audit_csv"),
    path("nhat-ky.xlsx", reports.audit_xlsx, name="audit_xlsx"),
    path("phan-quyen/", roles.roles, name="roles"),
    path("phan-quyen/<int:pk>/thu-hoi/", roles.revoke_role, name="revoke_role"),
    path("ho-tro/", helpdesk.helpdesk, name="helpdesk"),
    path("ho-tro/<str:login>/", helpdesk.helpdesk_account, name="helpdesk_account"),
    path("ho-tro/<str:login>/go-tam-khoa/", helpdesk.release_hold, name="helpdesk_release"),
    path("ho-tro/<str:login>/dang-xuat/", helpdesk.end_sessions, name="helpdesk_end_sessions"),
    path(
        "ho-tro/<str:login>/go-xac-thuc/", helpdesk.remove_factors, name="helpdesk_remove_factors"
    ),
]
