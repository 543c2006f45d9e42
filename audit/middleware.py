from audit.services import request_ip


class AuditContextMiddleware:
    """Makes the client's IP available to audit records written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)
