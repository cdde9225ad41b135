from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "govid.backoffice"
    label = "backoffice"
    verbose_name = _("Văn phòng tiếp nhận")

    def ready(self) -> None:
        from govid.backoffice import checks  # noqa: F401  (registers the system checks)
        from govid.backoffice.models import RoleGrant
        from govid.sso.api import set_role_reader

        # Who must have a second factor: sso asks here for a login's roles.
        set_role_reader(
            lambda login: set(RoleGrant.objects.filter(login=login).values_list("role", flat=True))
        )
