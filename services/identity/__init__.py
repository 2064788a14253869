"""Who someone is: the throttled sign-in, session tokens and the viewer's sessions, password policy and changes, and
the sign-in throttle that sign-up is held to as well."""

from services.identity.confirmation import CONFIRMATION_MINUTES, PasswordConfirmed, confirm_password, is_confirmed
from services.identity.credentials import change_password, get_user_by_email, reset_password, unlock_sign_in
from services.identity.passwords import hash_new, normalized, validate_new, verify
from services.identity.rows import SessionRow, SignedIn
from services.identity.sessions import (
    SESSIONS_ENDED,
    actor_for,
    authenticate,
    authenticate_remembered,
    ended_notice,
    hash_token,
    list_sessions,
    open_session,
    revoke_sessions,
    sign_out,
    sign_out_everywhere_else,
    sign_out_session,
)
from services.identity.sign_in import begin_sign_in, finish_sign_in, sign_in
from services.identity.throttle import EMAIL_TAKEN, account_wait_minutes, refuse_sign_up

__all__ = [
    'CONFIRMATION_MINUTES',
    'EMAIL_TAKEN',
    'SESSIONS_ENDED',
    'PasswordConfirmed',
    'SessionRow',
    'SignedIn',
    'account_wait_minutes',
    'actor_for',
    'authenticate',
    'authenticate_remembered',
    'begin_sign_in',
    'change_password',
    'confirm_password',
    'ended_notice',
    'finish_sign_in',
    'get_user_by_email',
    'hash_new',
    'hash_token',
    'is_confirmed',
    'list_sessions',
    'normalized',
    'open_session',
    'refuse_sign_up',
    'reset_password',
    'revoke_sessions',
    'sign_in',
    'sign_out',
    'sign_out_everywhere_else',
    'sign_out_session',
    'unlock_sign_in',
    'validate_new',
    'verify',
]
