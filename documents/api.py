import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts import policy
from accounts.policy import Action
from documents import services
from documents.models import Document, DocumentLink, Kind, LinkKind
from documents.search import search
from documents.symbols import parse_symbol
from nghiquyet.schemas import Pagination, column

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    kind: str
    symbol: str
    symbol_raw: str
    symbol_readable: bool
    issuer_name: str
    issued_on: dt.date
    term: int | None
    plenum: int | None
    title: str
    owner_id: int

    @staticmethod
    def resolve_symbol_readable(obj: Document) -> bool:
        return not obj.symbol_unreadable


class DocumentIn(Schema):
    owner_id: column(Document, "owner")
    symbol_raw: column(Document, "symbol_raw") = ""
    kind: Kind | None = None
    issuer_name: column(Document, "issuer_name")
    issued_on: dt.date
    term: column(Document, "term") | None = None
    plenum: column(Document, "plenum") | None = None
    title: column(Document, "title")


class LinkIn(Schema):
    target_id: column(DocumentLink, "target")
    kind: LinkKind


class SearchHit(Schema):
    document: DocumentOut
    passage: str


class DocumentFilter(Schema):
    q: str | None = None


def _invalid(error: ValidationError) -> HttpError:
    return HttpError(422, " ".join(error.messages))


@router.get("/", response=list[DocumentOut])
@paginate(Pagination)
def document_list(request, filters: Query[DocumentFilter]):
    visible = policy.documents_for(request.auth, Action.VIEW)
    if filters.q:
        return [hit.document for hit in search(visible, filters.q, limit=200)]
    return visible.order_by("-issued_on", "-pk")


@router.get("/search", response=list[SearchHit])
def document_search(request, q: str):
    visible = policy.documents_for(request.auth, Action.VIEW)
    return [
        # Plain data: ninja builds DocumentOut from the model once, running its resolver.
        {
            "document": hit.document,
            "passage": f"{hit.before}[{hit.match}]{hit.after}" if hit.match else "",
        }
        for hit in search(visible, q)
    ]


@router.get("/{document_id}", response=DocumentOut)
def document_get(request, document_id: int):
    return policy.get_document_for(request.auth, document_id, Action.VIEW)


@router.post("/", response={201: DocumentOut})
def document_create(request, payload: DocumentIn):
    owner = policy.get_organization_for(request.auth, payload.owner_id, Action.MANAGE_DOCUMENTS)
    fields = payload.dict(exclude={"owner_id"})
    if not fields["kind"]:
        symbol = parse_symbol(payload.symbol_raw) if payload.symbol_raw else None
        fields["kind"] = services.kind_for(symbol) if symbol else None
        if fields["kind"] is None:
            raise HttpError(422, "Hãy cho biết loại văn bản (kind).")
    try:
        return Status(201, services.document_register(request.auth, owner=owner, **fields))
    except services.DuplicateDocument as error:
        raise HttpError(409, f"{error.messages[0]} (id {error.existing.pk})") from None
    except ValidationError as error:
        raise _invalid(error) from None


@router.post("/{document_id}/links", response={201: dict})
def link_create(request, document_id: int, payload: LinkIn):
    source = policy.get_document_for(request.auth, document_id, Action.MANAGE_DOCUMENTS)
    target = policy.get_document_for(request.auth, payload.target_id, Action.VIEW)
    try:
        link = services.link_create(request.auth, source=source, target=target, kind=payload.kind)
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(
        201, {"id": link.pk, "source_id": source.pk, "target_id": target.pk, "kind": link.kind}
    )
