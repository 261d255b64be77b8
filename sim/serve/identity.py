"""A stand-in token endpoint, so that az (MSAL underneath) can log in to `acgsim serve` offline.

az acquires tokens with MSAL from the cloud's active-directory endpoint. Registered as a custom
cloud whose active-directory endpoint is this server (with `core.instance_discovery=false`, so MSAL
trusts the authority without asking Microsoft's discovery service), az fetches
/{tenant}/v2.0/.well-known/openid-configuration and posts a client-credentials request to the
token endpoint it names. The answer is an unsigned JWT-shaped token for the tenant asked for: ARM
here accepts any bearer token and reads none. The request's body, which carries the client secret,
is never read; use a made-up secret all the same (az keeps it in ~/.azure).
"""

from __future__ import annotations

import base64
import json
import re
import time

from starlette.requests import Request
from starlette.responses import JSONResponse

DISCOVERY = re.compile(r"/(?P<tenant>[^/]+)(?:/v2\.0)?/\.well-known/openid-configuration/?")
TOKEN = re.compile(r"/(?P<tenant>[^/]+)/oauth2(?:/v2\.0)?/token/?")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


METADATA = re.compile(r"/+metadata/endpoints/?", re.IGNORECASE)


def is_identity(path: str) -> bool:
    return bool(DISCOVERY.fullmatch(path) or TOKEN.fullmatch(path) or METADATA.fullmatch(path))


def cloud_metadata(base: str) -> dict:
    """ARM's cloud metadata document (what `az cloud register` reads): every endpoint here."""
    return {
        "name": "acgsim",
        "resourceManager": f"{base}/",
        "gallery": f"{base}/",
        "portal": f"{base}/",
        "authentication": {
            "loginEndpoint": base,
            "audiences": ["https://management.core.windows.net/", "https://management.azure.com/"],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "graphAudience": "https://graph.windows.net/",
        "microsoftGraphResourceId": "https://graph.microsoft.com/",
        "suffixes": {"storage": "core.windows.net", "keyVaultDns": "vault.azure.net"},
    }


async def identity_endpoint(request: Request) -> JSONResponse:
    """OpenID configuration (GET) or a token (POST) for the tenant in the path."""
    path = request.url.path
    base = f"{request.url.scheme}://{request.url.netloc}"
    if METADATA.fullmatch(path) and request.method == "GET":
        return JSONResponse(cloud_metadata(base))
    found = DISCOVERY.fullmatch(path)
    if found and request.method == "GET":
        tenant = found["tenant"]
        return JSONResponse(
            {
                "issuer": f"{base}/{tenant}/v2.0",
                "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
                "device_authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/devicecode",
                "jwks_uri": f"{base}/{tenant}/discovery/v2.0/keys",
                "response_types_supported": ["code", "id_token", "token"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "tenant_region_scope": "NA",
            }
        )
    found = TOKEN.fullmatch(path)
    if found and request.method == "POST":
        now = int(time.time())
        claims = {
            "aud": "https://management.core.windows.net/",
            "iss": f"{base}/{found['tenant']}/",
            "tid": found["tenant"],
            "oid": "00000000-0000-0000-0000-00000000acc5",
            "appid": "acgsim-serve",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
        }
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.acgsim"
        return JSONResponse(
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "ext_expires_in": 3600,
                "access_token": token,
            }
        )
    return JSONResponse({"error": "invalid_request"}, status_code=400)
