import datetime as dt

import pytest

from documents import services
from documents.models import Kind


@pytest.fixture
def programme(world):
    """The city's action programme, registered by its office clerk."""
    return services.document_register(
        world.clerk,
        owner=world.city,
        symbol_raw="30-CTr/TU",
        kind=Kind.PROGRAMME,
        issuer_name="Thành ủy Hà Nam",
        issued_on=dt.date(2024, 3, 10),
        term=20,
        title="Chương trình hành động thực hiện Nghị quyết 45-NQ/TW",
    )
