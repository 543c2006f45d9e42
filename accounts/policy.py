"""The access policy: the one place that decides who may do what, where.

A role granted on a unit covers that unit's whole subtree. Every page, API call and
export asks this module, in one of two forms:

- ``can(user, action, unit)``: may this user do ACTION on this unit?
- ``organizations_for(user, action)`` / ``members_for(user, action)``: where may they?

Object fetches go through ``get_<thing>_for(user, pk, action)``, which raise Http404 for
anything outside the user's scope, so a stranger cannot even learn that a record exists.
"""

from enum import StrEnum

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, RoleGrant, Scope
from audit.models import AuditEntry
from campaigns.models import Campaign
from conferences.models import BridgePoint, Conference, Makeup
from documents.models import Document
from members.models import Member
from news.models import Article, Reading
from notices.models import Notice
from organizations.models import Organization, under_any
from programmes.models import Inspection, Programme, Target, Task
from reporting.models import File as ReportFile
from reporting.models import Request as ReportRequest
from reporting.models import Snapshot
from reports.models import Export, Pair, Report, SubmissionInbox, Upload, Version


class Action(models.TextChoices):
    """What a role may do. The label is how the roles matrix (the page and docs/roles.md)
    and the "who may do this" notes name the action."""

    VIEW = "view", _("Xem đơn vị, đảng viên, văn bản, hội nghị và kết quả")
    MANAGE_UNITS = "manage_units", _("Quản lý đơn vị: thêm, đổi tên, giải thể")
    MANAGE_MEMBERS = "manage_members", _("Quản lý hồ sơ đảng viên, nhập danh sách")
    GRANT_ROLES = "grant_roles", _("Phân quyền theo bảng cấp quyền")
    VIEW_AUDIT = "view_audit", _("Xem nhật ký thay đổi")
    MANAGE_DOCUMENTS = "manage_documents", _("Đăng ký văn bản, tệp đính kèm, liên kết")
    MANAGE_CAMPAIGNS = "manage_campaigns", _("Lập và sửa đợt học tập")
    # scheduling, bridge points, whole rosters, attendance files
    MANAGE_CONFERENCES = "manage_conferences", _("Lên lịch hội nghị, quản lý điểm cầu")
    # ticking the members of one's own units on any roster that lists them
    MARK_ATTENDANCE = "mark_attendance", _("Điểm danh đảng viên thuộc đơn vị mình")
    REVIEW_REPORTS = "review_reports", _("Chấm bài thu hoạch")
    # extensions, confirming the units below
    MANAGE_REPORTS = "manage_reports", _("Gia hạn, xác nhận kết quả bài thu hoạch")
    # typing in a report for a member without a phone
    ENTER_REPORTS = "enter_reports", _("Nhập bài thu hoạch hộ đảng viên")
    FOLLOW_UP_REPORTS = "follow_up_reports", _("Theo dõi và nhắc đảng viên chưa nộp bài")
    MANAGE_NEWS = "manage_news", _("Viết và đăng tin bài")
    # targets, tasks, decisions, reminders
    MANAGE_PROGRAMMES = "manage_programmes", _("Lập chương trình hành động, giao nhiệm vụ")
    # the lead unit's reports on its tasks
    REPORT_PROGRESS = "report_progress", _("Báo cáo tiến độ nhiệm vụ được giao")
    # who, what and when; the visit and its conclusions are INSPECT's
    PLAN_INSPECTIONS = "plan_inspections", _("Lập kế hoạch kiểm tra")
    INSPECT = "inspect", _("Ghi kết quả, kết luận kiểm tra")
    # reports upward and requests for them
    MANAGE_REPORTING = "manage_reporting", _("Lập báo cáo gửi cấp trên, yêu cầu cấp dưới báo cáo")


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.COMMITTEE: frozenset(
        {
            Action.VIEW,
            Action.GRANT_ROLES,
            Action.VIEW_AUDIT,
            Action.MANAGE_CONFERENCES,
            Action.MARK_ATTENDANCE,
            Action.REVIEW_REPORTS,
            Action.MANAGE_REPORTS,
            Action.ENTER_REPORTS,
            Action.FOLLOW_UP_REPORTS,
            Action.MANAGE_NEWS,
            Action.MANAGE_PROGRAMMES,
            Action.REPORT_PROGRESS,
            Action.PLAN_INSPECTIONS,
            Action.INSPECT,
            Action.MANAGE_REPORTING,
        }
    ),
    Role.OFFICE: frozenset(
        {
            Action.VIEW,
            Action.GRANT_ROLES,  # what it may grant: GRANTABLE below
            Action.MANAGE_UNITS,
            Action.MANAGE_MEMBERS,
            Action.VIEW_AUDIT,
            Action.MANAGE_DOCUMENTS,
            # The office of a grassroots committee runs its conferences: schedules them,
            # sets up bridge points, ticks rosters and uploads attendance (docs/roles.md).
            Action.MANAGE_CONFERENCES,
            Action.MARK_ATTENDANCE,
            Action.ENTER_REPORTS,
            Action.FOLLOW_UP_REPORTS,
            Action.MANAGE_NEWS,
            Action.MANAGE_PROGRAMMES,
            Action.REPORT_PROGRESS,
            # It drafts the committee's inspection plan; the visit and its conclusions
            # stay with the committee and the inspection board (docs/roles.md).
            Action.PLAN_INSPECTIONS,
            Action.MANAGE_REPORTING,
        }
    ),
    Role.PROPAGANDA: frozenset(
        {
            Action.VIEW,
            Action.GRANT_ROLES,
            # It registers the documents its campaigns study (docs/roles.md).
            Action.MANAGE_DOCUMENTS,
            Action.MANAGE_CAMPAIGNS,
            Action.MANAGE_CONFERENCES,
            Action.MARK_ATTENDANCE,
            Action.REVIEW_REPORTS,
            Action.MANAGE_REPORTS,
            Action.FOLLOW_UP_REPORTS,
            Action.MANAGE_NEWS,
            Action.MANAGE_REPORTING,
        }
    ),
    Role.INSPECTION: frozenset(
        {Action.VIEW, Action.VIEW_AUDIT, Action.PLAN_INSPECTIONS, Action.INSPECT}
    ),
    # A reviewer reads and rates reports of the subtree, nothing else.
    Role.REVIEWER: frozenset({Action.REVIEW_REPORTS}),
}


class Where(StrEnum):
    HERE = "here"  # on the grantor's own unit and every unit below it
    BELOW = "below"  # only on units strictly below the grantor's unit


# Who may grant which role (docs/roles.md, and the table on the roles page). A grant is
# never wider than what the grantor holds there: each role here carries only actions the
# granting role has on that unit, with one exception, the office recording the reviewers
# its committee appoints (a reviewer only reads and rates reports). The roles that run a
# unit (committee, office, propaganda) come from the level above, so nobody widens their
# own circle at their own level. Inspection and reviewers grant nothing. Nobody grants a
# role to themselves or revokes their own.
GRANTABLE: dict[str, dict[str, Where]] = {
    Role.COMMITTEE: {
        Role.COMMITTEE: Where.BELOW,
        Role.INSPECTION: Where.HERE,
        Role.REVIEWER: Where.HERE,
    },
    Role.OFFICE: {Role.OFFICE: Where.BELOW, Role.REVIEWER: Where.HERE},
    Role.PROPAGANDA: {Role.PROPAGANDA: Where.BELOW, Role.REVIEWER: Where.HERE},
}

EVERYWHERE = None  # what scope_paths returns for a superuser


def _grants(user) -> list[tuple[str, str]]:
    """(role, unit path) of the user's active grants, read once per request."""
    grants = user.__dict__.get("_policy_grants")
    if grants is None:
        grants = list(
            RoleGrant.objects.active().filter(user=user).values_list("role", "organization__path")
        )
        user.__dict__["_policy_grants"] = grants
    return grants


def scope_paths(user, action: Action) -> list[str] | None:
    """Tree paths under which `user` may do `action`; EVERYWHERE for superusers.

    Nested grants collapse to the outermost one. The user's grants are read in one
    query and cached on the user object, which lives for one request.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return EVERYWHERE
    outermost: list[str] = []
    for path in sorted({path for role, path in _grants(user) if action in ROLE_ACTIONS[role]}):
        if not any(path.startswith(kept) for kept in outermost):
            outermost.append(path)
    return outermost


def forget(user) -> None:
    """Drop the cached scope after the user's grants change."""
    user.__dict__.pop("_policy_grants", None)


def can(user, action: Action, organization: Organization) -> bool:
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return True
    return any(organization.path.startswith(path) for path in paths)


def organizations_for(user, action: Action) -> QuerySet[Organization]:
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Organization.objects.all()
    return Organization.objects.filter(under_any(paths, "path"))


def members_for(user, action: Action) -> QuerySet[Member]:
    """Members whose current unit lies in scope; for VIEW, also the user's own record."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Member.objects.all()
    q = under_any(paths, "organization__path")
    if action == Action.VIEW and user.is_authenticated:
        q |= Q(user=user)
    return Member.objects.filter(q)


def has_any_scope(user, action: Action) -> bool:
    paths = scope_paths(user, action)
    return paths is EVERYWHERE or bool(paths)


def holds_a_role(user) -> bool:
    """Officers (anyone with a grant, and superusers) start at "Việc cần làm"."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_grants(user))


def may_read_role_matrix(user) -> bool:
    """The roles matrix is for administrators and the office staff who keep the records."""
    return has_any_scope(user, Action.MANAGE_UNITS)


def _granting_paths(user, role: str, unit: Organization) -> list[str]:
    """Paths of the user's grants that allow granting `role` on `unit`."""
    paths = []
    for held, path in _grants(user):
        where = GRANTABLE.get(held, {}).get(role)
        if where is None or not unit.path.startswith(path):
            continue
        if where == Where.HERE or unit.path != path:
            paths.append(path)
    return paths


def grantable_roles(user, unit: Organization) -> list[str]:
    """The roles `user` may grant on `unit`, in the order of Role."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Role.values)
    return [role for role in Role.values if _granting_paths(user, role, unit)]


def grantees_for(user, unit: Organization) -> QuerySet[Member]:
    """Members `user` may grant some role on `unit` to: active members with an account
    whose cell lies in the subtree of a grant that lets the user grant there; never the
    user themselves."""
    if not user.is_authenticated or not user.is_active:
        return Member.objects.none()
    members = Member.objects.active().filter(user__isnull=False, user__is_active=True)
    if not user.is_superuser:
        paths = {path for role in Role.values for path in _granting_paths(user, role, unit)}
        members = members.filter(under_any(paths, "organization__path"))
    return members.exclude(user=user)


def may_grant(grantor, grantee, role: str, unit: Organization) -> bool:
    """May `grantor` give `grantee` the role `role` on `unit`? See GRANTABLE. The grantee
    must be an active member whose cell lies under a grant that allows it (superusers,
    who set up the first grants, may give any role to any active user)."""
    if grantee is None or not grantee.is_active or grantee.pk == grantor.pk:
        return False
    if not grantor.is_authenticated or not grantor.is_active or role not in Role.values:
        return False
    if grantor.is_superuser:
        return True
    paths = _granting_paths(grantor, role, unit)
    return (
        bool(paths)
        and Member.objects.active()
        .filter(user=grantee)
        .filter(under_any(paths, "organization__path"))
        .exists()
    )


def may_revoke(user, grant: RoleGrant) -> bool:
    """Revoking follows the granting table; nobody revokes their own grant (the level
    above does, so no one locks themselves out by a stray click)."""
    if grant.revoked_at is not None or grant.user_id == user.pk:
        return False
    return grant.role in grantable_roles(user, grant.organization)


def token_scopes_for(user) -> list[str]:
    """The API token scopes `user` may issue. A token with every right of its user is for
    those who hold a role (or superusers); a plain member gets the narrow ones, so a
    leaked phone token cannot do more than read, check in or submit."""
    if not user.is_authenticated or not user.is_active:
        return []
    scopes = [Scope.READ, Scope.CHECKIN, Scope.SUBMIT]
    if user.is_superuser or _grants(user):
        scopes.append(Scope.FULL)
    return [str(scope) for scope in scopes]


def home_unit_id(user) -> int | None:
    """The unit a person belongs to, for records about them rather than about a unit
    (their sign-ins, their API tokens): their own cell, else the outermost unit of their
    grants."""
    cell = (
        Member.objects.active().filter(user=user).values_list("organization_id", flat=True).first()
    )
    if cell is not None:
        return cell
    return (
        RoleGrant.objects.active()
        .filter(user=user)
        .order_by("organization__path")
        .values_list("organization_id", flat=True)
        .first()
    )


def top_units_for(user, action: Action) -> QuerySet[Organization]:
    """The outermost units of the user's scope: where their tree starts."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Organization.objects.get_root_nodes()
    return Organization.objects.filter(path__in=paths).order_by("path")


def get_organization_for(user, pk, action: Action) -> Organization:
    try:
        return organizations_for(user, action).select_related("level").get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_member_for(user, pk, action: Action) -> Member:
    try:
        return (
            members_for(user, action)
            .select_related("organization", "organization__level")
            .get(pk=pk)
        )
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_member(user, action: Action, member: Member) -> bool:
    if action == Action.VIEW and member.user_id is not None and member.user_id == user.pk:
        return True
    return can(user, action, member.organization)


def _ancestor_paths(paths: list[str]) -> set[str]:
    """Paths of the units strictly above those at `paths`."""
    return {above for path in paths for above in Organization.paths_above(path)[:-1]}


def _own_cell_paths(user) -> set[str]:
    """The user's own cell and every unit above it, when the user is a member."""
    if not user.is_authenticated:
        return set()
    cells = list(
        Member.objects.active().filter(user=user).values_list("organization__path", flat=True)
    )
    return set(cells) | _ancestor_paths(cells)


def _scoped(queryset, user, action: Action, owner_field: str) -> QuerySet:
    """Rows owned in the user's subtree; for VIEW also those of the levels above it
    (a cell studies and implements what its superiors issue)."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return queryset
    q = under_any(paths, f"{owner_field}__path")
    if action == Action.VIEW and paths:
        q |= Q(**{f"{owner_field}__path__in": _ancestor_paths(paths)})
    return queryset.filter(q)


def campaigns_for(user, action: Action) -> QuerySet[Campaign]:
    """Campaigns over the user's scope; for VIEW also those covering the user's own cell
    and those covering the units where they review reports (a reviewer holds no other
    right, yet must find the campaigns whose reports they rate)."""
    campaigns = _scoped(Campaign.objects.all(), user, action, "owner")
    if action == Action.VIEW and scope_paths(user, action) is not EVERYWHERE:
        own = _own_cell_paths(user)
        reviewed = scope_paths(user, Action.REVIEW_REPORTS) or []
        if own or reviewed:
            covering = Q(owner__path__in=own | _ancestor_paths(reviewed))
            campaigns = campaigns | Campaign.objects.filter(
                covering | under_any(reviewed, "owner__path")
            )
    return campaigns


def documents_for(user, action: Action) -> QuerySet[Document]:
    """Documents registered in the user's subtree or above it; for VIEW also those that
    the campaigns covering the user's own cell ask them to study."""
    documents = _scoped(Document.objects.all(), user, action, "owner")
    if action == Action.VIEW and scope_paths(user, action) is not EVERYWHERE:
        own = _own_cell_paths(user)
        if own:
            studied = Document.objects.filter(campaigns__owner__path__in=own).values("pk")
            documents = documents | Document.objects.filter(pk__in=studied)
    return documents


def get_campaign_for(user, pk, action: Action) -> Campaign:
    try:
        return campaigns_for(user, action).select_related("owner", "owner__level").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_document(user, action: Action, document: Document) -> bool:
    return documents_for(user, action).filter(pk=document.pk).exists()


def get_document_for(user, pk, action: Action) -> Document:
    try:
        return (
            documents_for(user, action).select_related("owner", "owner__level", "issuer").get(pk=pk)
        )
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def conferences_for(user, action: Action) -> QuerySet[Conference]:
    """Conferences organised in the user's scope or holding a bridge point there; for VIEW
    also those organised above it (a unit relays or joins them) and, for members, those
    organised by their own cell or a unit above it."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Conference.objects.all()
    hosted = BridgePoint.objects.filter(under_any(paths, "host__path")).values("conference")
    q = under_any(paths, "organizer__path") | Q(pk__in=hosted)
    if action == Action.VIEW:
        q |= Q(organizer__path__in=_ancestor_paths(paths) | _own_cell_paths(user))
    return Conference.objects.filter(q)


def can_check_in(member: Member, conference: Conference) -> bool:
    """A member checks in only at conferences of their own cell or of a unit above it
    (which bridge point is theirs is the conference's business)."""
    return member.is_active and member.organization.path.startswith(conference.organizer.path)


def get_checkin_conference_for(user, pk) -> Conference:
    """The conference, if the user is an active member of a cell at or below its
    organiser (who may check in there); 404 otherwise. One query: it is on the hot path."""
    own_cell_below = Member.objects.active().filter(
        user=user, organization__path__startswith=OuterRef("organizer__path")
    )
    try:
        return Conference.objects.filter(Exists(own_cell_below)).get(pk=pk)
    except (Conference.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_conference_for(user, pk, action: Action) -> Conference:
    """For MANAGE_CONFERENCES, only the organiser's managers; hosts manage their points."""
    conferences = conferences_for(user, action)
    if action != Action.VIEW:
        paths = scope_paths(user, action)
        if paths is not EVERYWHERE:
            conferences = conferences.filter(under_any(paths, "organizer__path"))
    try:
        return conferences.select_related("campaign", "organizer", "relayed_from").get(pk=pk)
    except (Conference.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def bridge_points_for(user, action: Action) -> QuerySet[BridgePoint]:
    """Bridge points the user may see (in a visible conference) or run: for
    MANAGE_CONFERENCES those hosted in scope or belonging to a conference organised there."""
    if action == Action.VIEW:
        return BridgePoint.objects.filter(conference__in=conferences_for(user, action))
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return BridgePoint.objects.all()
    return BridgePoint.objects.filter(
        under_any(paths, "host__path") | under_any(paths, "conference__organizer__path")
    )


def get_bridge_point_for(user, pk, action: Action) -> BridgePoint:
    try:
        return (
            bridge_points_for(user, action)
            .select_related("conference", "conference__campaign", "host")
            .get(pk=pk)
        )
    except (BridgePoint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def makeups_for(user, action: Action) -> QuerySet[Makeup]:
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Makeup.objects.all()
    return Makeup.objects.filter(under_any(paths, "organization__path"))


def get_makeup_for(user, pk, action: Action) -> Makeup:
    try:
        return makeups_for(user, action).select_related("campaign", "organization").get(pk=pk)
    except (Makeup.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reports_for(user, action: Action) -> QuerySet[Report]:
    """Reports of members whose cell (when they started) lies in scope; for VIEW also
    the user's own reports."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Report.objects.all()
    q = under_any(paths, "organization__path")
    if action == Action.VIEW and user.is_authenticated:
        q |= Q(member__user=user)
    return Report.objects.filter(q)


def get_report_for(user, pk, action: Action) -> Report:
    try:
        return (
            reports_for(user, action)
            .select_related("campaign", "campaign__owner", "member", "organization")
            .get(pk=pk)
        )
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _holders(action: Action) -> QuerySet[RoleGrant]:
    """Active grants, to active users, of the roles that carry `action`."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    return RoleGrant.objects.active().filter(role__in=roles, user__is_active=True)


def others_can(user, action: Action, organization: Organization) -> bool:
    """Whether someone other than `user` may do `action` on this unit."""
    above = Organization.paths_above(organization.path)
    return _holders(action).filter(organization__path__in=above).exclude(user=user).exists()


def _left_to_others(user) -> Q:
    """Reports `user` does not review: their own, in any campaign, and in a blind campaign
    those whose author they know (a member of their own cell, or one whose report they
    typed in) while someone outside that cell can review them instead. Written as
    subqueries on indexed columns, so the set is cheap to count."""
    own_members = Member.objects.filter(user=user).values("pk")
    own_cells = Member.objects.active().filter(user=user).values("organization")
    cell_members = Member.objects.filter(organization__in=own_cells).values("pk")
    typed_in = Version.objects.filter(entered_by=user, on_behalf=True).values("report")
    in_the_cell = Member.objects.active().filter(
        user=OuterRef("user"), organization=OuterRef(OuterRef("organization"))
    )
    someone_else = (
        _holders(Action.REVIEW_REPORTS)
        .exclude(user=user)
        .filter(StartsWith(OuterRef("organization__path"), F("organization__path")))
        .exclude(Exists(in_the_cell))
    )
    knows_author = Q(organization__in=own_cells) | Q(member__in=cell_members) | Q(pk__in=typed_in)
    blind = Q(campaign__in=Campaign.objects.filter(blind_review=True))
    return Q(member__in=own_members) | (blind & knows_author & Exists(someone_else))


def reports_to_review(user) -> QuerySet[Report]:
    """The user's review queue: the reports in their review scope but those they leave
    to others (`_left_to_others`)."""
    if not user.is_authenticated:
        return Report.objects.none()
    return reports_for(user, Action.REVIEW_REPORTS).exclude(_left_to_others(user))


def reports_left_to_others(user) -> QuerySet[Report]:
    """The reports in the user's review scope that someone else reviews."""
    if not user.is_authenticated:
        return Report.objects.none()
    return reports_for(user, Action.REVIEW_REPORTS).filter(_left_to_others(user))


def get_upload_for(user, pk) -> Upload:
    """A report file being read: for the member it belongs to, and for whoever may enter
    that member's report."""
    paths = scope_paths(user, Action.ENTER_REPORTS)
    uploads = Upload.objects.select_related(
        "campaign", "member", "member__organization", "campaign__owner"
    )
    if paths is not EVERYWHERE:
        mine = Q(member__user=user) if user.is_authenticated else Q(pk__in=[])
        uploads = uploads.filter(mine | under_any(paths, "member__organization__path"))
    try:
        return uploads.get(pk=pk)
    except (Upload.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_submission_for(user, pk) -> SubmissionInbox:
    """A submission's receipt: for the member it belongs to, whoever handed it in, and the
    officers who review or enter reports in the member's subtree."""
    rows = SubmissionInbox.objects.select_related(
        "campaign", "member", "member__organization", "version"
    )
    if not user.is_authenticated:
        raise Http404
    q = Q(member__user=user) | Q(actor=user)
    for action in (Action.REVIEW_REPORTS, Action.ENTER_REPORTS):
        paths = scope_paths(user, action)
        if paths is EVERYWHERE:
            q = Q()
            break
        q |= under_any(paths, "member__organization__path")
    try:
        return rows.filter(q).get(pk=pk)
    except (SubmissionInbox.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def pairs_for(user, action: Action) -> QuerySet[Pair]:
    """Look-alike pairs with at least one report in scope: a unit sees where its members'
    texts also appear elsewhere in the country."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Pair.objects.all()
    return Pair.objects.filter(
        under_any(paths, "a__organization__path") | under_any(paths, "b__organization__path")
    )


def exports_for(user) -> QuerySet[Export]:
    """A user's own exports, while they still may see the unit exported."""
    paths = scope_paths(user, Action.REVIEW_REPORTS)
    exports = (
        Export.objects.filter(created_by=user) if user.is_authenticated else Export.objects.none()
    )
    if paths is EVERYWHERE:
        return exports
    return exports.filter(under_any(paths, "organization__path"))


def get_export_for(user, pk) -> Export:
    try:
        return exports_for(user).select_related("campaign", "organization").get(pk=pk)
    except (Export.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def articles_for(user, action: Action) -> QuerySet[Article]:
    """News items of units in scope, drafts included (the public sees published ones
    through `Article.objects.filter(state=PUBLISHED)`, never through this)."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Article.objects.all()
    return Article.objects.filter(under_any(paths, "organization__path"))


def get_article_for(user, pk, action: Action) -> Article:
    try:
        return articles_for(user, action).select_related("organization", "conference").get(pk=pk)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def readings_for(user) -> QuerySet[Reading]:
    """Articles a user pasted for extraction: their own, while they still manage news."""
    if not has_any_scope(user, Action.MANAGE_NEWS):
        return Reading.objects.none()
    return Reading.objects.filter(created_by=user)


def get_reading_for(user, pk) -> Reading:
    try:
        return readings_for(user).get(pk=pk)
    except (Reading.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def programmes_for(user, action: Action) -> QuerySet[Programme]:
    """Programmes of units in scope; for VIEW also those of the levels above (a unit
    carries out what its superiors issue)."""
    return _scoped(Programme.objects.all(), user, action, "organization")


def get_programme_for(user, pk, action: Action) -> Programme:
    try:
        return programmes_for(user, action).select_related("document", "organization").get(pk=pk)
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_target_for(user, pk) -> Target:
    """A target of a programme the user may see (who may report on it is the service's
    question)."""
    try:
        return Target.objects.select_related("programme", "programme__organization").get(
            pk=pk, programme__in=programmes_for(user, Action.VIEW)
        )
    except (Target.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tasks_for(user, action: Action) -> QuerySet[Task]:
    """REPORT_PROGRESS: tasks led by units in scope. MANAGE_PROGRAMMES: tasks of
    programmes (or inspections) owned in scope. VIEW: either, and tasks of programmes
    above the user's scope that are led in it."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Task.objects.all()
    led = under_any(paths, "lead__path")
    owned = under_any(paths, "programme__organization__path") | under_any(
        paths, "inspection__organization__path"
    )
    if action == Action.REPORT_PROGRESS:
        return Task.objects.filter(led)
    if action == Action.MANAGE_PROGRAMMES:
        return Task.objects.filter(owned)
    return Task.objects.filter(led | owned)


def get_task_for(user, pk, action: Action) -> Task:
    try:
        return (
            tasks_for(user, action)
            .select_related("programme", "programme__document", "lead", "inspection", "document")
            .get(pk=pk)
        )
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_report_for(user, lead: Organization, owner: Organization) -> bool:
    """Progress comes from the lead unit: a grant covering the lead unit counts, unless
    it also covers the unit that assigned the task (the issuer does not report for the
    units it assigned), except where the issuer leads the task itself."""
    paths = scope_paths(user, Action.REPORT_PROGRESS)
    if paths is EVERYWHERE:
        return True
    return any(
        lead.path.startswith(path) and (lead.pk == owner.pk or not owner.path.startswith(path))
        for path in paths
    )


def inspections_for(user, action: Action) -> QuerySet[Inspection]:
    """Inspections made by units in scope; for VIEW also those of units in scope."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Inspection.objects.all()
    q = under_any(paths, "organization__path")
    if action == Action.VIEW:
        inspected = Inspection.objects.filter(under_any(paths, "units__path")).values("pk")
        q |= Q(pk__in=inspected)
    return Inspection.objects.filter(q)


def get_inspection_for(user, pk, action: Action) -> Inspection:
    try:
        return inspections_for(user, action).select_related("organization", "document").get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def snapshots_for(user, action: Action) -> QuerySet[Snapshot]:
    """Reports of units in scope; for VIEW also the reports the units just below the
    user's units sent up (answering their requests)."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return Snapshot.objects.all()
    return Snapshot.objects.filter(under_any(paths, "organization__path"))


def get_snapshot_for(user, pk, action: Action) -> Snapshot:
    try:
        return (
            snapshots_for(user, action)
            .select_related(
                "organization", "organization__level", "campaign", "document", "request"
            )
            .get(pk=pk)
        )
    except (Snapshot.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def report_requests_for(user, action: Action) -> QuerySet[ReportRequest]:
    """Requests made by units in scope; for VIEW also those sent to the user's units
    (made by the unit just above one of them)."""
    paths = scope_paths(user, action)
    if paths is EVERYWHERE:
        return ReportRequest.objects.all()
    q = under_any(paths, "organization__path")
    if action == Action.VIEW and paths:
        q |= Q(organization__path__in=_ancestor_paths(paths))
    return ReportRequest.objects.filter(q)


def get_report_request_for(user, pk, action: Action) -> ReportRequest:
    try:
        return (
            report_requests_for(user, action)
            .select_related("organization", "campaign", "document")
            .get(pk=pk)
        )
    except (ReportRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_report_file_for(user, pk) -> ReportFile:
    """A generated file, for whoever may see its report."""
    try:
        return ReportFile.objects.select_related("snapshot").get(
            pk=pk, snapshot__in=snapshots_for(user, Action.VIEW)
        )
    except (ReportFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notices_for(user) -> QuerySet[Notice]:
    """A member's own notices: nobody else reads them, whatever their role."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(member__user=user)


def get_notice_for(user, pk) -> Notice:
    try:
        return notices_for(user).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def audit_entries_for(user) -> QuerySet[AuditEntry]:
    """Audit entries of units where the user may read the trail. Entries tied to no unit
    (a failed sign-in under a name that matches no account) only superusers see."""
    paths = scope_paths(user, Action.VIEW_AUDIT)
    if paths is EVERYWHERE:
        return AuditEntry.objects.all()
    return AuditEntry.objects.filter(under_any(paths, "organization__path"))
