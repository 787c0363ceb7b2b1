"""The pure core of the assistant: rules that every server shares and that import nothing else
of the project (no Rasa, no database), so they can be tested and reused on their own."""
