from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "caredesk.chat"
    label = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        from caredesk.chat import live, records
        from caredesk.chat.services import ticket_live_status, ticket_reply_live
        from caredesk.core.notify import pusher_register
        from caredesk.tickets.services.delivery import live_reader_register, live_status_register

        live_reader_register(ticket_reply_live)
        live_status_register(ticket_live_status)
        records.register()  # chat sessions: what governance exports, erases and purges
        pusher_register(live.notices_send)  # urgent notices and pages on the desk's sockets
