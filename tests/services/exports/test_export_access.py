"""Who may export and who may read an export: admins and professionals ask; a professional only ever gets their own
closed jobs; an export is its owner's alone (anyone else's, and any id that is not one, is "not found"); a file is
there only once the export is done; one person has at most `exports_running_max` exports under way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import product
from typing import Any

import pytest
from sqlalchemy import update

from models import Export, ServiceRequest
from models.enums import ExportState
from services import NotFound, PermissionDenied, ValidationError, exports, session_scope
from services.core.rows import Actor
from services.exports.asking import exports_folder
from settings import get_settings
from tests.factories import (
    OPERATOR,
    block,
    make_admin,
    make_approved_professional,
    make_blocked_professional,
    make_customer,
    make_professional,
    make_service,
)
from tests.services.exports.export_support import (
    closed_job,
    expected_rows,
    exported,
    file_of,
    files_in_exports,
    ids_of,
    start,
    stored_export,
)
from tests.services.request_support import NOW


def get(actor: Actor, export_id: Any) -> Any:
    with session_scope() as session:
        return exports.get_export(session, actor, export_id=export_id)


def retry(actor: Actor, export_id: Any) -> Any:
    with session_scope(write=True) as session:
        return exports.retry_export(session, actor, export_id=export_id)


READERS: dict[str, Callable[[Actor, Any], Any]] = {'export_file': file_of, 'get_export': get, 'retry_export': retry}


def list_of(actor: Actor) -> tuple[Any, ...]:
    with session_scope() as session:
        return exports.list_exports(session, actor)


def fail(export_id: int) -> None:
    with session_scope(write=True) as session:
        session.execute(update(Export).where(Export.id == export_id).values(state=ExportState.FAILED, error='x'))


def test_only_admins_and_professionals_ask_for_exports() -> None:
    for actor in (make_customer(), None, OPERATOR, make_blocked_professional()):
        with pytest.raises(PermissionDenied):
            start(actor)
    with session_scope() as session:
        assert session.query(Export).count() == 0
    pro = make_approved_professional()
    for actor in (make_admin(), pro):
        assert start(actor).state is ExportState.QUEUED
    [mine] = list_of(pro)
    block(pro)  # a blocked owner no longer reads their own export either
    with pytest.raises(PermissionDenied):
        get(pro, mine.id)


def test_a_professional_exports_only_their_own_closed_jobs_whatever_filters_they_pass() -> None:
    service, other_service = make_service(), make_service()
    pro = make_approved_professional(service_id=service.id)
    other = make_approved_professional(service_id=other_service.id)
    customer = make_customer()
    mine = [closed_job(customer, pro, service.id, index=i) for i in (0, 2)]
    theirs = [closed_job(customer, other, other_service.id, index=i) for i in (4, 6)]
    admin_filters = {'professional': other.name, 'service_id': other_service.id, 'pincode': '560001'}
    export, rows = exported(pro, admin_filters)
    assert export.filters == {'professional_id': pro.id}
    assert ids_of(rows) == mine
    assert rows == expected_rows(ServiceRequest.professional_id == pro.id)
    assert {row[5] for row in rows} == {str(pro.id)}
    assert set(theirs).isdisjoint(ids_of(rows))
    assert get(pro, export.id).description == 'My closed jobs'
    _, everything = exported(make_admin())  # an admin's export holds both
    assert ids_of(everything) == sorted(mine + theirs)


def test_someone_elses_export_is_not_found_by_anyone_else() -> None:
    owner = make_admin()
    done = start(owner).id
    exports.run_export(done)
    failed = start(owner).id
    fail(failed)
    queued = start(owner).id
    missing = queued + 1000
    strangers = (make_admin(), make_approved_professional(), make_professional())
    for reader, stranger, export_id in product(READERS.values(), strangers, (done, failed, queued, missing)):
        with pytest.raises(NotFound, match=r'^That export does not exist\.$'):
            reader(stranger, export_id)
    customer = make_customer()  # not an exporter at all: refused the same way whether the export exists or not
    for reader, export_id in product(READERS.values(), (done, missing)):
        with pytest.raises(PermissionDenied):
            reader(customer, export_id)
    assert stored_export(failed).state is ExportState.FAILED  # nobody else's retry touched it
    assert stored_export(done).state is ExportState.DONE


JUNK_IDS = ('²', '\uff11', '-1', 2**40, 2**31, None, '1 ', ' 1', '+1', '1.0', 1.0, True, '0', 0, '', [1], 'x', '0x1')


def test_ids_that_are_no_export_id_are_not_found() -> None:
    owner = make_admin()
    first = start(owner).id
    assert first == 1  # so each junk id above would be this export if it were read as an id
    exports.run_export(first)
    fail(start(owner).id)
    for reader, export_id in product(READERS.values(), JUNK_IDS):
        with pytest.raises(NotFound):
            reader(owner, export_id)
    assert file_of(owner, '1').path.is_file()  # ASCII digits are an id


def test_an_export_has_a_file_only_once_it_is_done_and_while_its_file_exists() -> None:
    owner = make_approved_professional()
    export_id = start(owner).id
    with pytest.raises(NotFound):
        file_of(owner, export_id)  # queued
    with pytest.raises(ValidationError, match='Only a failed export'):
        retry(owner, export_id)  # only a failed export is retried
    with session_scope(write=True) as session:
        session.execute(
            update(Export).where(Export.id == export_id).values(state=ExportState.RUNNING, stored_name='running.csv')
        )
    exports_folder().mkdir(parents=True)
    (exports_folder() / 'running.csv').write_text('half', encoding='utf-8')  # even a file of that name
    with pytest.raises(NotFound):
        file_of(owner, export_id)  # running
    fail(export_id)
    with pytest.raises(NotFound):
        file_of(owner, export_id)  # failed
    with session_scope(write=True) as session:
        retried = exports.retry_export(session, owner, export_id=export_id)
    assert (retried.state, retried.error) == (ExportState.QUEUED, '')
    exports.run_export(export_id)
    found = file_of(owner, export_id)
    stored = stored_export(export_id)
    with pytest.raises(ValidationError, match='Only a failed export'):
        retry(owner, export_id)
    assert stored_export(export_id).stored_name == stored.stored_name
    assert found.path.name == stored.stored_name
    assert found.size == found.path.stat().st_size == stored.size
    assert found.download_name == 'closed-requests-2030-04-03-0900.csv'  # created_at in local time
    found.path.unlink()  # deleted from disk (by hand, or a crash between the sweep's two steps)
    with pytest.raises(NotFound):
        file_of(owner, export_id)


def test_a_fourth_export_under_way_is_refused_until_one_is_done() -> None:
    limit = get_settings().exports_running_max
    assert limit == 3
    owner, other = make_admin(), make_approved_professional()
    first = start(owner).id
    start(owner, {'pincode': '560001'})
    with session_scope(write=True) as session:  # a running one counts too
        session.execute(update(Export).where(Export.id == first).values(state=ExportState.RUNNING))
    start(owner, {'pincode': '560002'})
    with pytest.raises(ValidationError, match='3 exports under way') as refused:
        start(owner)
    assert refused.value.field == 'export'
    with session_scope() as session:
        assert session.query(Export).filter(Export.owner_id == owner.id).count() == 3
    assert start(other).state is ExportState.QUEUED  # someone else's count is their own
    with session_scope(write=True) as session:
        session.execute(update(Export).where(Export.id == first).values(state=ExportState.QUEUED))
    exports.run_export(first)
    assert start(owner).state is ExportState.QUEUED  # a done one no longer counts
    fail(first + 1)
    assert start(owner).state is ExportState.QUEUED  # nor a failed one
    with pytest.raises(ValidationError):
        start(owner)
    assert len(files_in_exports()) == 1


BAD_FILTERS = (
    ({'pincode': '12345'}, 'pincode'),
    ({'service_id': 'abc'}, 'service_id'),
    ({'date_from': '2030-13-01'}, 'date_from'),
    ({'date_from': '2030-03-09', 'date_to': '2030-03-08'}, 'date_to'),
    ({'sort': 'price'}, 'sort'),
    ('pincode=560001', 'filters'),
)


def test_an_admin_export_with_a_bad_filter_is_refused_naming_the_filter() -> None:
    admin = make_admin()
    for filters, field in BAD_FILTERS:
        with pytest.raises(ValidationError) as refused:
            start(admin, filters)
        assert refused.value.field == field
    with session_scope() as session:
        assert session.query(Export).count() == 0


def test_exports_are_listed_to_their_owner_only_newest_first() -> None:
    owner, other = make_admin(), make_admin()
    older = start(owner, {'pincode': '560002', 'customer': 'Asha'}, now=NOW).id
    newer = start(owner, now=NOW + timedelta(hours=1)).id
    start(other)
    listed = list_of(owner)
    assert [row.id for row in listed] == [newer, older]
    assert [row.description for row in listed] == [
        'All closed requests',
        'Closed requests: pincode 560002, customer "Asha"',
    ]
