from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "caredesk.rules"
    label = "rules"
    verbose_name = "Rules and protocols"

    def ready(self) -> None:
        from caredesk.core.confcache import bump_on_change
        from caredesk.rules.models import Macro, Policy
        from caredesk.rules.reactor import RulesReactor
        from caredesk.tickets.models import Mailbox
        from caredesk.tickets.services.reactions import reactor_register

        bump_on_change("rules", Policy, Macro, Mailbox)  # facts read the mailboxes' brands
        reactor_register(RulesReactor())
