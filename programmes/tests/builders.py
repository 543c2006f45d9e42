"""A city programme with a target and tasks for the ward and the commune."""

import datetime as dt

from documents import services as documents
from documents.models import Kind
from programmes import services


def document_for(world, symbol="30-CTr/TU", owner=None, issued_on=dt.date(2025, 3, 8)):
    return documents.document_register(
        world.clerk if owner is None else world.admin,
        owner=owner or world.city,
        symbol_raw=symbol,
        kind=Kind.PROGRAMME,
        issuer_name="Thành ủy Hà Nam",
        issued_on=issued_on,
        term=20,
        title="Chương trình hành động thực hiện Nghị quyết số 45-NQ/TW",
    )


def programme_for(world, **settings):
    return services.programme_create(world.clerk, document_for(world), **settings)
