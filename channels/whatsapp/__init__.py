"""The WhatsApp channel (WhatsApp Business Cloud API): ``channels.whatsapp.WhatsAppInput``."""
from channels.whatsapp.channel import WhatsAppInput, WhatsAppOutput

__all__ = ["WhatsAppInput", "WhatsAppOutput"]
