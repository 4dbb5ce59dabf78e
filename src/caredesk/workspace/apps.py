from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "caredesk.workspace"
    label = "workspace"
    verbose_name = "Saved views and account managers' clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Account managers hear when a client's ticket is solved or runs late.
        from caredesk.tickets.services.reactions import watcher_register
        from caredesk.workspace.clients import ClientWatcher

        watcher_register("account managers", ClientWatcher())
