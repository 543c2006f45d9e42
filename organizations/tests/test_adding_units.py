"""Adding, renaming and moving units never rewrites the paths of units already there."""

import datetime as dt
import itertools
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from members.demo import demo_build
from organizations import services
from organizations.models import Level, Organization

CLEAN = ([], [], [], [], [])


def _fields(name: str, code: str) -> dict:
    return {
        "name": name,
        "code": code,
        "level": Level.objects.get(code="ĐU"),
        "issuer_code": "ĐU",
        "valid_from": dt.date(2025, 7, 1),
    }


def _paths() -> dict[int, str]:
    return dict(Organization.objects.values_list("pk", "path"))


def _children_named(parent: Organization) -> list[str]:
    parent.refresh_from_db()
    return list(Organization.objects.get_children(parent).values_list("name", flat=True))


def test_an_office_adds_units_that_sort_before_their_siblings_to_the_demo_tree(client, db):
    root = Organization.objects.get(pk=demo_build(60, 1).root_pk)
    before = _paths()
    client.force_login(User.objects.get(username="vanphong"))
    names = ["Đảng bộ phường Ba Đình", "Đảng bộ Sở Y tế", "Chi bộ Ấp Bắc", "Ban Tuyên giáo"]
    for i, name in enumerate(names):
        response = client.post(
            reverse("organizations:add", kwargs={"unit_pk": root.pk}),
            {
                **_fields(name, f"MOI-{i}"),
                "level": Level.objects.get(code="ĐU").pk,
                "valid_from": "01/07/2025",
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert {pk: path for pk, path in _paths().items() if pk in before} == before
    assert set(names) <= set(_children_named(root))
    assert Organization.objects.find_problems() == CLEAN


def test_a_sibling_renamed_out_of_order_does_not_block_the_next_unit(world):
    services.organization_update(
        world.clerk, world.ward, renamed_on=dt.date(2025, 7, 1), name="Đảng bộ xã Yên Bắc"
    )
    before = _paths()
    added = services.organization_create(
        world.clerk, parent=world.city, **_fields("Đảng bộ xã Vân Tràng", "HNA-VT")
    )
    assert _paths() == {**before, added.pk: added.path}
    assert Organization.objects.get_parent(added).pk == world.city.pk
    assert Organization.objects.find_problems() == CLEAN


def test_moving_a_unit_rewrites_only_the_paths_of_its_own_subtree(world):
    services.organization_update(
        world.clerk, world.cell, renamed_on=dt.date(2025, 7, 1), name="Chi bộ tổ 9"
    )
    before = _paths()
    services.organization_move(world.clerk, world.commune_cell, world.ward)
    after = _paths()
    moved = after.pop(world.commune_cell.pk)
    before.pop(world.commune_cell.pk)
    assert after == before
    assert moved.startswith(world.ward.path) and len(moved) == len(world.ward.path) + 4
    world.ward.refresh_from_db()
    assert world.ward.numchild == 3
    assert Organization.objects.find_problems() == CLEAN


PLACES = ["Ba Đình", "Ân Thi", "Yên Bắc", "Lam Hạ", "Ấp 3", "ấp 10", "Zơ Ra", "Y tế", "An"]
KINDS = ["Chi bộ", "Đảng bộ phường", "Đảng bộ xã", "Đảng bộ Sở", "Quận ủy", "Ban"]
NAMES = st.builds(
    lambda kind, place: f"{kind} {place}", st.sampled_from(KINDS), st.sampled_from(PLACES)
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), NAMES),
        st.tuples(st.just("rename"), NAMES),
        st.tuples(st.just("move"), NAMES),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_units_added_renamed_and_moved_in_any_order_keep_every_other_path(world, steps):
    codes = itertools.count()
    with transaction.atomic():
        made = []
        for kind, name in steps:
            before = _paths()
            if kind == "add" or not made:
                unit = services.organization_create(
                    world.clerk, parent=world.city, **_fields(name, f"T-{next(codes)}")
                )
                made.append(unit)
                assert _paths() == {**before, unit.pk: unit.path}
            elif kind == "rename":
                unit = Organization.objects.get(pk=made[-1].pk)
                services.organization_update(
                    world.clerk, unit, renamed_on=dt.date(2025, 7, 1), name=name
                )
                assert _paths() == before
            else:  # a unit crosses between the city and the ward, past siblings of any name
                unit = Organization.objects.get(pk=made[len(made) // 2].pk)
                parent = Organization.objects.get_parent(unit)
                target = world.ward if parent.pk == world.city.pk else world.city
                target = Organization.objects.get(pk=target.pk)
                services.organization_move(world.clerk, unit, target)
                after = _paths()
                assert after.pop(unit.pk).startswith(target.path)
                before.pop(unit.pk)
                assert after == before
        assert Organization.objects.find_problems() == CLEAN
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_two_requests_adding_units_under_one_parent_at_once_both_succeed(world):
    if connection.vendor != "postgresql":
        pytest.skip(
            "cần PostgreSQL: CSDL SQLite trong bộ nhớ của bộ kiểm thử khóa cả bảng giữa các "
            "luồng; trên tệp SQLite, giao dịch IMMEDIATE đã cho từng luồng ghi lần lượt"
        )
    start = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def add_many(prefix: str) -> None:
        try:
            start.wait()
            for i in range(15):
                parent = Organization.objects.get(pk=world.city.pk)
                services.organization_create(
                    world.clerk, parent=parent, **_fields(f"Đảng bộ {prefix} {i}", f"{prefix}-{i}")
                )
        except BaseException as error:  # reported below, with the thread's traceback
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add_many, args=(p,)) for p in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    world.city.refresh_from_db()
    assert world.city.numchild == 2 + 30
    assert len(_children_named(world.city)) == 32
    assert Organization.objects.find_problems() == CLEAN


def test_the_unit_page_lists_units_added_later_in_name_order(client, world):
    for name, code in [("Chi bộ khu phố 10", "KP10"), ("Chi bộ Ấp Bắc", "AB")]:
        fields = {**_fields(name, code), "level": Level.objects.get(code="CB")}
        services.organization_create(world.clerk, parent=world.ward, **fields)
    client.force_login(world.clerk)
    page = client.get(reverse("organizations:detail", kwargs={"unit_pk": world.ward.pk}))
    text = page.content.decode()
    order = ["Chi bộ Ấp Bắc", "Chi bộ khu phố 1<", "Chi bộ khu phố 2<", "Chi bộ khu phố 10<"]
    assert [text.index(name) for name in order] == sorted(text.index(name) for name in order)
