"""The action server's package (`rasa run actions --actions actions`).

rasa_sdk imports this package before any action runs, so this is where the action server's log
records get the same personal-data masking as the tracker store (assistant/masking.py).
"""
from assistant.masking import install_log_masking

install_log_masking()
