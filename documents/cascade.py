"""The cascade: what a document implements, up to the Central resolution, and what
implements it, down to the cells' plans. One query per level of the tree."""

from dataclasses import dataclass, field

from documents.models import Document, DocumentLink

MAX_DEPTH = 8
MAX_NODES = 2000


@dataclass
class Node:
    document: Document
    kind: str = ""  # how this node relates to its parent in the tree
    kind_label: str = ""
    children: list["Node"] = field(default_factory=list)


def _grow(root: Document, visible, *, downward: bool) -> Node:
    top = Node(root)
    frontier = {root.pk: top}
    seen = {root.pk}
    count = 0
    for _depth in range(MAX_DEPTH):
        if not frontier or count >= MAX_NODES:
            break
        if downward:
            links = DocumentLink.objects.filter(target_id__in=frontier, source__in=visible)
            links = links.select_related("source")
        else:
            links = DocumentLink.objects.filter(source_id__in=frontier, target__in=visible)
            links = links.select_related("target")
        next_frontier: dict[int, Node] = {}
        for link in links.order_by("pk"):
            parent_id, doc = (
                (link.target_id, link.source) if downward else (link.source_id, link.target)
            )
            if doc.pk in seen:
                continue
            seen.add(doc.pk)
            node = Node(doc, link.kind, link.get_kind_display())
            frontier[parent_id].children.append(node)
            next_frontier[doc.pk] = node
            count += 1
        frontier = next_frontier
    return top


def cascade(document: Document, visible) -> tuple[Node, Node]:
    """(upward tree, downward tree), showing only documents in `visible` (a queryset)."""
    return _grow(document, visible, downward=False), _grow(document, visible, downward=True)
