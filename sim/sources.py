"""The source of an image version, as the GalleryRP 2025-03-03 spec shapes it [SPEC]: a managed
image (storageProfile.source.id), a VM (storageProfile.source.virtualMachineId), an OS disk
snapshot (storageProfile.osDiskImage.source.id) or a VHD blob (osDiskImage.source.uri with the
storage account's id). The az CLI and azurerm take the same four [CLI][TF].

Each value is checked for the shape Azure gives it (an ARM resource id of the right type, an
https blob URI), so a typo is caught before deployment, and no value can carry a quote, a space
or a shell character into an export.
"""

from __future__ import annotations

import re

from acgsim.sim.refusals import refuse

_SEGMENT = r"[A-Za-z0-9][-\w.()]*"  # a resource name: no quotes, spaces or shell characters
_PREFIX = rf"/subscriptions/[0-9A-Fa-f-]{{36}}/resourceGroups/{_SEGMENT}/providers/"
TYPES = {
    "managed_image": "Microsoft.Compute/images",
    "snapshot": "Microsoft.Compute/snapshots",
    "vm": "Microsoft.Compute/virtualMachines",
    "storage_account": "Microsoft.Storage/storageAccounts",
}
VHD_URI = re.compile(r"https://[a-z0-9]{3,24}\.blob\.core\.windows\.net/[-\w./%]+\.vhd", re.I)


def resource_id(kind: str) -> re.Pattern[str]:
    """An ARM resource id of the type KIND names (provider and type case-insensitive)."""
    return re.compile(_PREFIX + re.escape(TYPES[kind]) + rf"/{_SEGMENT}", re.I)


def check(kind: str, id: str | None, uri: str | None, storage_account: str | None) -> None:
    """Refuse fields that do not belong to KIND or do not have Azure's shape."""
    if kind == "vhd":
        if id is not None:
            refuse("SourceField", field="id", kind=kind, allowed="uri and storage_account")
        if uri is not None and not VHD_URI.fullmatch(uri):
            refuse("SourceValue", value=uri, what="VHD blob URI", shape=_VHD_SHAPE)
        if storage_account is not None and not resource_id("storage_account").fullmatch(
            storage_account
        ):
            refuse(
                "SourceValue",
                value=storage_account,
                what="storage account id",
                shape=_shape("storage_account"),
            )
        return
    for name, value in (("uri", uri), ("storage_account", storage_account)):
        if value is not None:
            refuse("SourceField", field=name, kind=kind, allowed="id")
    if id is not None and not resource_id(kind).fullmatch(id):
        refuse("SourceValue", value=id, what=f"{kind} resource id", shape=_shape(kind))


_VHD_SHAPE = "https://ACCOUNT.blob.core.windows.net/CONTAINER/NAME.vhd"


def _shape(kind: str) -> str:
    return f"/subscriptions/GUID/resourceGroups/GROUP/providers/{TYPES[kind]}/NAME"
