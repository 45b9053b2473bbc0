"""The HTTP skill service (interface.md, "HTTP API"): `create_app` in voice/http/app.py.

    app.py           wiring only: settings, middleware, error handlers, routers
    dependencies.py  what routes are given (the service, the settings, the recogniser...), from app.state
    routes/          one router per resource: sessions (text), audio, speech, health, metrics, the page
    middleware/      limits, rate limit, token and CORS, access log, turn timing
    errors.py        every error as {"error": {"code", "message"}}
    audio_gate.py    the bound on audio uploads in flight, and the threads that decode them
    connections.py   slow, silent and surplus connections dropped (uvicorn's protocol)
"""
