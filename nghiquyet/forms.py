from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.utils.translation import gettext as _


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


def confirmed_in_page(request) -> bool:
    """Whether an irreversible action carries the confirmation given in its panel
    (templates/_confirm.html). A POST without it, from a stray form or a script, changes
    nothing and the page says why."""
    if request.POST.get("confirmed") == "yes":
        return True
    messages.error(
        request,
        _(
            "Thao tác này không hoàn tác được. Hãy xác nhận trong khung hiện ra sau khi bấm "
            "nút; chưa có gì thay đổi."
        ),
    )
    return False
