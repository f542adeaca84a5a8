"""Presentation: the terminal, documents (Markdown, HTML), JSON data, teaching views."""
