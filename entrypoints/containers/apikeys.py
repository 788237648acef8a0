"""The API keys context: machine clients' keys, created and revoked by operators."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.key_material import RandomKeyMaterial
from application.apikeys.authenticate_api_key import AuthenticateApiKey
from application.apikeys.create_api_key import CreateApiKey
from application.apikeys.list_api_keys import ListApiKeys
from application.apikeys.revoke_api_key import RevokeApiKey
from entrypoints.containers.access import Public


class ApiKeysContainer(containers.DeclarativeContainer):
    """The API keys use cases. Only the key check is reachable over HTTP; creating, listing
    and revoking keys is the CLI's."""

    core = providers.DependenciesContainer()

    key_material = providers.Singleton(RandomKeyMaterial)

    # --- any caller: the check of the key it sends ------------------------------------------
    authenticate_api_key = Public(
        AuthenticateApiKey, read_uow=core.read_uow, write_uow=core.uow, clock=core.clock
    )

    # --- the CLI -------------------------------------------------------------------------------
    create_api_key = providers.Factory(
        CreateApiKey, uow=core.uow, material=key_material, clock=core.clock
    )
    list_api_keys = providers.Factory(ListApiKeys, uow=core.read_uow)
    revoke_api_key = providers.Factory(RevokeApiKey, uow=core.uow, clock=core.clock)
