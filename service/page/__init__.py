"""The web page's parts: highlighting, language negotiation, result and filter views."""
