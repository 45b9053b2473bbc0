"""One router per resource; each route parses the request, calls the service, shapes the reply."""
