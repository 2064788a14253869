"""The professional's home (/professional): approval state and resubmit, the profile form, documents."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing import User

from models.enums import ApprovalState
from services import Actor, clock, people, session_scope
from services.people import ProfessionalView
from tests.factories import (
    JPEG_BYTES,
    OPERATOR,
    PDF_BYTES,
    PNG_BYTES,
    accept_request,
    add_document,
    book_request,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
    make_service,
    reject,
)
from tests.pages.support import drawer_settled, open_as, path_of


def profile_of(professional: Actor) -> ProfessionalView:
    with session_scope() as session:
        return people.get_professional(session, OPERATOR, professional_id=professional.id)


async def until(condition: Callable[[], object]) -> None:
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError('the page never got there')


async def upload(user: User, name: str, data: bytes, *, kind: str | None = 'certificate') -> None:
    if kind is not None:
        user.find(marker='document-kind').elements.pop().value = kind
    uploader = user.find(marker='document-file').elements.pop()
    await uploader.handle_uploads([ui.upload.SmallFileUpload(name, 'application/octet-stream', data)])


# --- approval state ---------------------------------------------------------------------------------------------------


async def test_pending_professional_sees_the_state_their_profile_and_documents(user: User) -> None:
    service = make_service(name='Electrical')
    professional = make_professional(
        service_id=service.id, experience_years=12, description='Wiring and panels.', pincodes='560002 560001'
    )
    document_id = add_document(professional, filename='aadhaar.pdf')
    await open_as(user, professional, '/professional', 'approval-pending')
    await user.should_see('Your profile is awaiting approval')
    assert user.find(marker='profile-service_id').elements.pop().value == service.id
    assert user.find(marker='profile-experience_years').elements.pop().value == 12
    assert user.find(marker='profile-description').elements.pop().value == 'Wiring and panels.'
    assert user.find(marker='profile-pincodes').elements.pop().value == '560001, 560002'
    await user.should_see('ID proof: aadhaar.pdf')
    await user.should_see(marker=f'document-{document_id}-remove')
    await user.should_not_see(marker='work-waiting')
    await user.should_not_see(marker='resubmit')


async def test_rejected_professional_sees_the_reason_and_resubmits(user: User) -> None:
    professional = reject(make_professional(), reason='The ID photo is blurred.')
    await open_as(user, professional, '/professional', 'approval-rejected')
    await user.should_see('Reason: The ID photo is blurred.')
    await drawer_settled(user)
    user.find(marker='resubmit').click()
    await user.should_see('Resubmitted: an admin reviews your profile again.')
    await user.should_see(marker='approval-pending')
    assert profile_of(professional).approval_state is ApprovalState.PENDING


async def test_resubmitting_after_an_admin_already_decided_says_what_happened(user: User) -> None:
    professional = reject(make_professional())
    await open_as(user, professional, '/professional', 'resubmit')
    await drawer_settled(user)
    with session_scope(write=True) as session:
        people.resubmit(session, professional)
        people.approve(session, OPERATOR, professional_id=professional.id)
    user.find(marker='resubmit').click()
    await user.should_see('This profile changed a moment ago: it is approved now.')
    await user.should_see(marker='approval-approved')


async def test_approved_professional_sees_the_work_waiting_and_keeps_their_documents(user: User) -> None:
    service = make_service()
    professional = make_approved_professional(service_id=service.id, pincodes='560001')
    document_id = add_document(professional)
    now = clock.now()
    book_request(make_customer(pincode='560001'), service.id, now=now)
    accept_request(professional, book_request(make_customer(pincode='560001'), service.id, now=now), now=now)
    await open_as(user, professional, '/professional', 'approval-approved')
    assert user.find(marker='waiting-inbox').elements.pop().props['href'] == '/professional/inbox'
    await user.should_see('open in your inbox')
    await user.should_see('upcoming job')
    await user.should_see('No rating')
    await user.should_see(marker=f'document-{document_id}-open')
    await user.should_not_see(marker=f'document-{document_id}-remove')
    await user.should_see('You were approved with these documents, so they stay')


@pytest.mark.parametrize('make_actor', [make_customer, make_admin])
async def test_other_roles_are_sent_home(user: User, make_actor) -> None:
    actor = make_actor()
    home = '/customer' if actor.role.value == 'customer' else '/admin'
    await open_as(user, actor, home, 'frame-user-name')
    await user.open('/professional')
    await user.should_see(marker='frame-user-name')
    assert path_of(user) == home


# --- the profile form -------------------------------------------------------------------------------------------------


async def test_professional_edits_their_profile(user: User) -> None:
    professional = make_approved_professional(pincodes='560001')
    await open_as(user, professional, '/professional', 'profile-save')
    await drawer_settled(user)
    user.find(marker='profile-pincodes').clear().type('560001 560034')
    user.find(marker='profile-experience_years').elements.pop().value = 8
    user.find(marker='profile-description').clear().type('Taps, leaks & <b>geysers</b>')
    user.find(marker='profile-save').click()
    await user.should_see('Profile saved.')
    saved = profile_of(professional)
    assert (saved.pincodes, saved.experience_years, saved.description) == (
        ('560001', '560034'),
        8,
        'Taps, leaks & <b>geysers</b>',
    )
    assert saved.approval_state is ApprovalState.APPROVED  # pincodes change freely


async def test_an_invalid_field_is_shown_on_that_field_and_nothing_changes(user: User) -> None:
    professional = make_professional(pincodes='560001')
    await open_as(user, professional, '/professional', 'profile-save')
    await drawer_settled(user)
    user.find(marker='profile-pincodes').clear().type('56001x')
    user.find(marker='profile-save').click()
    pincodes = user.find(marker='profile-pincodes').elements.pop()
    await until(lambda: pincodes.props.get('error'))
    assert 'pincode' in pincodes.props['error-message'].lower()
    assert profile_of(professional).pincodes == ('560001',)


async def test_changing_service_warns_first_and_sends_the_profile_back_for_approval(user: User) -> None:
    other = make_service(name='Carpentry')
    professional = make_approved_professional()
    await open_as(user, professional, '/professional', 'approval-approved')
    await drawer_settled(user)
    await user.should_not_see(marker='profile-service-warning')
    user.find(marker='profile-service_id').elements.pop().value = other.id
    await user.should_see('Changing your service sends your profile back for approval')
    user.find(marker='profile-save').click()
    await user.should_see(marker='service-change-cancel')
    user.find(marker='service-change-cancel').click()
    await user.should_not_see(marker='service-change-cancel')
    assert profile_of(professional).approval_state is ApprovalState.APPROVED
    user.find(marker='profile-save').click()
    await user.should_see(marker='service-change-confirm')
    user.find(marker='service-change-confirm').click()
    await user.should_see('Profile saved. It waits for approval again.')
    await user.should_see(marker='approval-pending')
    saved = profile_of(professional)
    assert (saved.service_id, saved.approval_state) == (other.id, ApprovalState.PENDING)


# --- documents --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(('name', 'data'), [('cert.pdf', PDF_BYTES), ('cert.png', PNG_BYTES), ('c.jpeg', JPEG_BYTES)])
async def test_professional_uploads_a_document(user: User, name: str, data: bytes) -> None:
    professional = make_professional()
    await open_as(user, professional, '/professional', 'document-file')
    await drawer_settled(user)
    await upload(user, name, data)
    await user.should_see(f'Uploaded {name}.')
    await user.should_see(f'Certificate: {name}')
    [document] = profile_of(professional).documents
    assert (document.original_name, document.kind.value) == (name, 'certificate')


@pytest.mark.parametrize(
    ('name', 'data', 'kind', 'message'),
    [
        ('id.pdf', b'<html><script>alert(1)</script></html>', 'id_proof', people.WRONG_TYPE),
        ('id.pdf', b'%PDF-' + b'0' * people.MAX_DOCUMENT_BYTES, 'id_proof', people.TOO_BIG),
        ('id.pdf', b'', 'id_proof', 'The file is empty.'),
        ('id.pdf', PDF_BYTES, None, 'Choose what kind of document this is.'),
    ],
)
async def test_a_refused_upload_says_why_and_adds_nothing(
    user: User, name: str, data: bytes, kind: str | None, message: str
) -> None:
    professional = make_professional()
    await open_as(user, professional, '/professional', 'document-file')
    await drawer_settled(user)
    await upload(user, name, data, kind=kind)
    await user.should_see(message)
    assert profile_of(professional).documents == ()
    await user.should_see(marker='documents-empty')


async def test_the_eleventh_document_is_refused(user: User) -> None:
    professional = make_professional()
    for _ in range(people.MAX_DOCUMENTS):
        add_document(professional)
    await open_as(user, professional, '/professional', 'document-file')
    await drawer_settled(user)
    await upload(user, 'one-more.pdf', PDF_BYTES)
    await user.should_see('You can keep at most 10 documents. Remove one first.')
    assert len(profile_of(professional).documents) == people.MAX_DOCUMENTS


@pytest.mark.parametrize(('why', 'message'), [('too big', people.TOO_BIG), ('wrong type', people.WRONG_TYPE)])
async def test_a_file_the_browser_refuses_is_explained(user: User, why: str, message: str) -> None:
    await open_as(user, make_professional(), '/professional', 'document-file')
    await drawer_settled(user)
    failed = 'max-file-size' if why == 'too big' else 'accept'
    user.find(marker='document-file').trigger('rejected', [failed])
    await user.should_see(message)


async def test_professional_removes_a_document_after_confirming(user: User) -> None:
    professional = make_professional()
    document_id = add_document(professional, filename='old.pdf')
    await open_as(user, professional, '/professional', f'document-{document_id}-remove')
    await drawer_settled(user)
    user.find(marker=f'document-{document_id}-remove').click()
    await user.should_see(marker=f'document-{document_id}-remove-confirm')
    user.find(marker=f'document-{document_id}-remove-confirm').click()
    await user.should_see('Document removed.')
    await user.should_see(marker='documents-empty')
    assert profile_of(professional).documents == ()
