"""ASGI middleware of the service, each a pure ASGI class (voice/http/app.py adds them in order)."""
