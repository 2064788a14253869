"""`GET /documents/{id}`: the owner and admins get the file with protective headers; everyone else a 404."""

from __future__ import annotations

import httpx
import pytest
from nicegui.testing import User

from pages.documents import content_disposition
from services import Actor
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    add_document,
    block,
    make_admin,
    make_approved_professional,
    make_customer,
    make_professional,
)
from tests.pages.support import open_as

MARKERS = {'admin': 'admin-welcome', 'customer': 'customer-welcome'}


async def sign_in(user: User, actor: Actor) -> None:
    marker = MARKERS.get(actor.role.value, f'approval-{actor.approval_state and actor.approval_state.value}')
    await open_as(user, actor, f'/{actor.role.value}', marker)


async def fetch(user: User, document_id: object) -> httpx.Response:
    return await user.http_client.get(f'/documents/{document_id}', follow_redirects=False)


def assert_protective_headers(response: httpx.Response) -> None:
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.headers['cache-control'] == 'no-store'
    policy = response.headers['content-security-policy']
    assert policy.startswith('sandbox;')
    assert "default-src 'none'" in policy
    assert 'script-src' not in policy
    assert "frame-ancestors 'self'" in policy  # our own pages may frame it (the admin's review page), no one else
    assert response.headers['x-frame-options'] == 'SAMEORIGIN'


async def test_owner_gets_their_pdf_inline_with_protective_headers(user: User) -> None:
    professional = make_professional()
    document_id = add_document(professional, PDF_BYTES, 'aadhaar card.pdf')
    await sign_in(user, professional)
    response = await fetch(user, document_id)
    assert response.status_code == 200
    assert response.content == PDF_BYTES
    assert response.headers['content-type'] == 'application/pdf'
    assert response.headers['content-disposition'] == (
        'inline; filename="aadhaar card.pdf"; filename*=UTF-8\'\'aadhaar%20card.pdf'
    )
    assert_protective_headers(response)


async def test_admin_gets_any_professionals_document(user: User) -> None:
    document_id = add_document(make_professional(), PNG_BYTES, 'certificate.png')
    await sign_in(user, make_admin())
    response = await fetch(user, document_id)
    assert (response.status_code, response.headers['content-type'], response.content) == (200, 'image/png', PNG_BYTES)


@pytest.mark.parametrize('make_stranger', [make_customer, make_approved_professional])
async def test_a_stranger_gets_the_same_404_as_for_a_missing_document(user: User, make_stranger) -> None:
    document_id = add_document(make_professional())
    await sign_in(user, make_stranger())
    for candidate in (document_id, 999_999, 0, 'abc', '-1', '1e3'):
        response = await fetch(user, candidate)
        assert (response.status_code, response.text) == (404, 'Not found.')
        assert_protective_headers(response)
        assert 'content-disposition' not in response.headers


async def test_a_path_outside_the_route_is_not_served(user: User) -> None:
    await sign_in(user, make_admin())
    response = await fetch(user, '..%2F..%2Fhsa.db')
    assert response.status_code == 404
    assert b'SQLite format' not in response.content


async def test_anonymous_visitor_is_sent_to_sign_in_and_back(user: User) -> None:
    document_id = add_document(make_professional())
    response = await fetch(user, document_id)
    assert response.status_code in {302, 303, 307}
    assert response.headers['location'] == f'/login?redirect_to=%2Fdocuments%2F{document_id}'
    assert PDF_BYTES not in response.content


async def test_a_signed_out_owner_gets_nothing(user: User) -> None:
    professional = make_professional()
    document_id = add_document(professional)
    await sign_in(user, professional)
    await user.open('/logout')
    await user.should_see(marker='login-submit')
    response = await fetch(user, document_id)
    assert response.status_code == 307
    assert response.headers['location'].startswith('/login')


async def test_a_blocked_owner_gets_nothing(user: User) -> None:
    professional = make_professional()
    document_id = add_document(professional)
    await sign_in(user, professional)
    block(professional)
    response = await fetch(user, document_id)
    assert response.status_code == 307
    assert response.headers['location'].startswith('/login')


@pytest.mark.parametrize(
    ('name', 'header'),
    [
        ('id.pdf', 'inline; filename="id.pdf"; filename*=UTF-8\'\'id.pdf'),
        (
            'Müller \u2013 ID.pdf',
            'inline; filename="M_ller _ ID.pdf"; filename*=UTF-8\'\'M%C3%BCller%20%E2%80%93%20ID.pdf',
        ),
        ('a"b\\c.pdf', 'inline; filename="a_b_c.pdf"; filename*=UTF-8\'\'a%22b%5Cc.pdf'),
        (
            'x\r\nSet-Cookie: a=b.pdf',
            'inline; filename="x__Set-Cookie: a=b.pdf"; filename*=UTF-8\'\'x%0D%0ASet-Cookie%3A%20a%3Db.pdf',
        ),
    ],
)
def test_content_disposition_has_an_ascii_fallback_and_the_exact_name(name: str, header: str) -> None:
    assert content_disposition(name) == header
