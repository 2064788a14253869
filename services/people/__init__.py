"""People: sign-up, accounts and profiles, blocking; professionals, their vetting and documents; the admin's list of
everyone and one person's page. Pages, tasks and other domains call only this."""

from services.people.accounts import (
    USER_BLOCKED,
    USER_UNBLOCKED,
    block_user,
    get_profile,
    get_user_id,
    set_dark_mode,
    unblock_user,
    update_profile,
)
from services.people.documents import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    TOO_BIG,
    WRONG_TYPE,
    add_document,
    list_documents,
    open_document,
    refuse_too_big,
    remove_document,
)
from services.people.professionals import edit_profile, get_professional, list_for_service, list_pending
from services.people.rows import (
    DocumentFile,
    DocumentRow,
    ProfessionalCard,
    ProfessionalView,
    ProfileView,
    ReviewSnippet,
    UserDetail,
    UserPage,
    UserRow,
)
from services.people.signup import create_admin, register, sign_up_customer, sign_up_professional
from services.people.user_lists import get_user, list_users
from services.people.vetting import approve, reject, resubmit

__all__ = [
    'MAX_DOCUMENTS',
    'MAX_DOCUMENT_BYTES',
    'TOO_BIG',
    'USER_BLOCKED',
    'USER_UNBLOCKED',
    'WRONG_TYPE',
    'DocumentFile',
    'DocumentRow',
    'ProfessionalCard',
    'ProfessionalView',
    'ProfileView',
    'ReviewSnippet',
    'UserDetail',
    'UserPage',
    'UserRow',
    'add_document',
    'approve',
    'block_user',
    'create_admin',
    'edit_profile',
    'get_professional',
    'get_profile',
    'get_user',
    'get_user_id',
    'list_documents',
    'list_for_service',
    'list_pending',
    'list_users',
    'open_document',
    'refuse_too_big',
    'register',
    'reject',
    'remove_document',
    'resubmit',
    'set_dark_mode',
    'sign_up_customer',
    'sign_up_professional',
    'unblock_user',
    'update_profile',
]
