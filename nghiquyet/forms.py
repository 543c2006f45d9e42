from django.core.exceptions import RequestDataTooBig, ValidationError


def posted(request):
    """request.POST, or None when the body is over the server's limit (a pasted 10 MB),
    so that the page can say so rather than answer a bare 400."""
    try:
        return request.POST
    except RequestDataTooBig:
        return None


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
