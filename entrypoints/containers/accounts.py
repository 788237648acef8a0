"""The accounts context: registration, sessions, profiles and user administration."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.accounts.authenticate import Authenticate
from application.accounts.change_password import ChangePassword
from application.accounts.create_user import CreateUser
from application.accounts.delete_user import DeleteUser
from application.accounts.emails import AccountEmails
from application.accounts.forgot_password import ForgotPassword
from application.accounts.get_profile import GetProfile
from application.accounts.get_user import GetUser, GetUserByEmail
from application.accounts.list_users import ListUsers
from application.accounts.log_in import LogIn
from application.accounts.log_out import LogOut
from application.accounts.refresh_session import RefreshSession
from application.accounts.register_user import RegisterUser
from application.accounts.resend_verification import ResendVerification
from application.accounts.reset_password import ResetPassword
from application.accounts.update_profile import UpdateProfile
from application.accounts.update_user import UpdateUser
from application.accounts.verify_email import VerifyEmail
from entrypoints.containers.access import AdminOnly, Public, SignedIn


def _seconds(value: int) -> timedelta:
    return timedelta(seconds=value)


class AccountsContainer(containers.DeclarativeContainer):
    """The accounts use cases, wired to the shared adapters in `core`."""

    core = providers.DependenciesContainer()

    emails = providers.Singleton(AccountEmails, app_url=core.settings.provided.app_url)
    refresh_ttl = providers.Callable(_seconds, core.settings.provided.refresh_token_ttl_seconds)

    # --- anyone: signing up, signing in and recovering a password ------------------------
    register_user = Public(
        RegisterUser,
        uow=core.uow,
        hasher=core.hasher,
        secrets=core.secrets,
        clock=core.clock,
        emails=emails,
    )
    verify_email = Public(VerifyEmail, uow=core.uow, secrets=core.secrets, clock=core.clock)
    resend_verification = Public(
        ResendVerification, uow=core.uow, secrets=core.secrets, clock=core.clock, emails=emails
    )
    log_in = Public(
        LogIn,
        uow=core.uow,
        read_uow=core.read_uow,
        hasher=core.hasher,
        secrets=core.secrets,
        access_tokens=core.access_tokens,
        clock=core.clock,
        refresh_ttl=refresh_ttl,
    )
    refresh_session = Public(
        RefreshSession,
        uow=core.uow,
        secrets=core.secrets,
        access_tokens=core.access_tokens,
        clock=core.clock,
        refresh_ttl=refresh_ttl,
    )
    log_out = Public(LogOut, uow=core.uow, secrets=core.secrets, clock=core.clock)
    forgot_password = Public(
        ForgotPassword, uow=core.uow, secrets=core.secrets, clock=core.clock, emails=emails
    )
    reset_password = Public(
        ResetPassword, uow=core.uow, hasher=core.hasher, secrets=core.secrets, clock=core.clock
    )

    # --- the signed-in caller's own account ----------------------------------------------
    get_profile = SignedIn(GetProfile, uow=core.read_uow)
    update_profile = SignedIn(UpdateProfile, uow=core.uow, clock=core.clock)
    change_password = SignedIn(ChangePassword, uow=core.uow, hasher=core.hasher, clock=core.clock)

    # --- user administration (the use cases check the caller's role) ---------------------
    list_users = AdminOnly(ListUsers, uow=core.read_uow)
    create_user = AdminOnly(CreateUser, uow=core.uow, hasher=core.hasher, clock=core.clock)
    get_user = AdminOnly(GetUser, uow=core.read_uow)
    update_user = AdminOnly(UpdateUser, uow=core.uow, clock=core.clock)
    delete_user = AdminOnly(DeleteUser, uow=core.uow, clock=core.clock)

    # --- internal: the HTTP layer's authentication, the CLI's lookup by email ------------
    authenticate = providers.Factory(
        Authenticate, uow=core.read_uow, access_tokens=core.access_tokens, clock=core.clock
    )
    get_user_by_email = providers.Factory(GetUserByEmail, uow=core.read_uow)
