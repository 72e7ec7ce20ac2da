"""The officer web app (PWA): an offline shell, its service worker and its static files."""
