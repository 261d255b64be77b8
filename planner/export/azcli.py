"""az CLI: a bash script of `az sig create`, `az sig image-definition create` and
`az sig image-version create --target-regions region=count=type ...` [CLI].

Escaping: every value is shell-quoted (shlex.quote), `--target-regions` items included, so a
value holding quotes, $(...), backticks or newlines is passed as one literal argument and never
run. A value that starts with '-' is written `--option=value`, and so is every value read from a
variable, which may: az (argparse) would otherwise take it for an option, while Azure accepts
such names (a publisher '-x', a resource group '-rg'). Free text is always `--option=value`. az
reads an argument that starts with '@' as a file to load, with no escape; scenarios refuse such
text (sim.fields.AzText). Comments and the resource group's default are escaped for their place.
The resource group, each version's source, the principals given access, the ids a gallery is
shared with and the tags are variables at the top, overridable from the environment.

Before it changes anything the script checks that az is installed, that it is at least
AZ_MIN_VERSION (the oldest azure-cli these commands were checked with; overridable), and that a
login exists (`az account show`, which also gives the subscription id role assignment scopes
need), and stops with a message saying what to do. With CREATE_RESOURCE_GROUP=true it creates
the resource group (in RESOURCE_GROUP_LOCATION, default: the first gallery's region). Each version
states --exclude-from-latest, and each region's flag is set by `az sig image-version update`
(--target-regions has no per-region flag); a comment gives each region's reason for its
replicas. Role assignments are `az role assignment create`; direct sharing is one
`az sig share add` per subscription or tenant id (`--opt=value`: an id read from a variable).
"""

from __future__ import annotations

import re
import shlex

from acgsim.planner.export.document import (
    Export,
    Version,
    one_line,
    replicas_text,
    timeout_minutes,
)

AZ_MIN_VERSION = "2.91.0"  # the azure-cli the commands were run against (docs/exports.md)
MARKER = "# --- the deployment ---"  # the preflight ends here
SCOPE = "/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/"
PREFLIGHT = """
# --- preflight: az installed, recent enough, logged in; nothing is changed before this passes ---
AZ_MIN_VERSION="${AZ_MIN_VERSION:-%(min)s}"
version_at_least() {  # is $1 >= $2? dot-separated numbers
  local IFS=.
  local -a have=(${1//[^0-9.]/}) want=(${2//[^0-9.]/})
  local i
  for i in 0 1 2; do
    if ((10#${have[i]:-0} != 10#${want[i]:-0})); then
      ((10#${have[i]:-0} > 10#${want[i]:-0}))
      return
    fi
  done
}
if ! command -v az >/dev/null 2>&1; then
  echo "az (the Azure CLI) is not installed or not on PATH; install it:" \\
    "https://learn.microsoft.com/cli/azure/install-azure-cli" >&2
  exit 1
fi
if ! AZ_VERSION="$(az version --query '"azure-cli"' --output tsv)" || [ -z "$AZ_VERSION" ]; then
  echo "cannot read the version of az (az version failed)" >&2
  exit 1
fi
if ! version_at_least "$AZ_VERSION" "$AZ_MIN_VERSION"; then
  echo "az $AZ_VERSION is older than $AZ_MIN_VERSION, the oldest these commands were checked" \\
    "with: run az upgrade (or set AZ_MIN_VERSION to try anyway)" >&2
  exit 1
fi
if ! SUBSCRIPTION_ID="$(az account show --query id --output tsv)" || [ -z "$SUBSCRIPTION_ID" ]; then
  echo "not logged in to Azure: run az login (and az account set --subscription ...)" >&2
  exit 1
fi
if [ "$CREATE_RESOURCE_GROUP" = true ]; then
  az group create --name="$RESOURCE_GROUP" --location="$RESOURCE_GROUP_LOCATION" --output none
fi
"""

PERMISSION = {"private": "Private", "groups": "Groups", "community": "Community"}
q = shlex.quote


def _line(args: list[str]) -> str:
    return " \\\n    ".join(args) + "\n"


def _opt(flag: str, value: object) -> str:
    """One option and its value as bash passes them to az: `--flag value`, or `--flag=value`
    for a value that argparse would read as an option."""
    text = str(value)
    return f"{flag}={q(text)}" if text.startswith("-") else f"{flag} {q(text)}"


def _var(flag: str, name: str) -> str:
    """An option whose value is a shell variable, which may start with '-' at run time."""
    return f'{flag}="${name}"'


def _default(name: str, value: str) -> str:
    """NAME="${NAME:-value}": the environment's value if it is set, else VALUE read literally
    (quoted inside the expansion when it holds anything bash would read there)."""
    if re.search(r"[\\\"$`}'\n]", value):
        value = '"' + re.sub(r"([\\\"$`])", r"\\\1", value) + '"'
    return f'{name}="${{{name}:-{value}}}"\n'


def _regions(items: list[str]) -> str:
    """`--target-regions` and its items, each quoted; argparse takes none that starts with '-'."""
    if any(i.startswith("-") for i in items):
        raise ValueError(f"a target region item starts with '-': {items}")
    return " ".join(["--target-regions", *map(q, items)])


def render(export: Export) -> str:
    """The bash script."""
    out = [
        "#!/usr/bin/env bash\n",
        f"# Generated by acgsim from scenario {one_line(q(export.scenario))}.\n",
        "# Set the variables below (or export them) and run: bash this-script.sh\n",
        "set -euo pipefail\n\n",
        _default("RESOURCE_GROUP", export.resource_group),
        "# true: create the resource group first (in RESOURCE_GROUP_LOCATION)\n",
        'CREATE_RESOURCE_GROUP="${CREATE_RESOURCE_GROUP:-false}"\n',
        _default(
            "RESOURCE_GROUP_LOCATION",
            export.galleries[0].spec.region if export.galleries else "westeurope",
        ),
        f"TAGS=({q('environment=' + export.environment)} managedBy=acgsim)\n",
    ]
    for p in export.params():
        var = p.name.upper()
        out.append(f"# {one_line(p.description)}\n")
        if p.default is None:
            out.append(f'{var}="${{{var}:?set {var} (see the comment above)}}"\n')
        else:
            out.append(_default(var, p.default))
    out.append(PREFLIGHT % {"min": AZ_MIN_VERSION} + f"\n{MARKER}\n")
    for g in export.galleries:
        gal = g.spec
        args = [
            "az sig create",
            _var("--resource-group", "RESOURCE_GROUP"),
            _opt("--gallery-name", gal.name),
            _opt("--location", gal.region),
            '--tags "${TAGS[@]}"',
        ]
        if gal.description:
            args.append(f"--description={q(gal.description)}")  # '=': text may start with '-'
        if gal.sharing.mode != "private":
            args.append(f"--permissions {PERMISSION[gal.sharing.mode]}")
        if gal.sharing.mode == "community":  # az needs all four: a variable for each unknown
            for flag, val in (
                ("--public-name-prefix", gal.sharing.prefix),
                ("--publisher-email", gal.sharing.publisher_email),
                ("--publisher-uri", gal.sharing.publisher_uri),
                ("--eula", gal.sharing.eula),
            ):
                if val:
                    args.append(f"{flag}={q(val)}")
                    continue
                var = f"community_{g.key}_{flag.lstrip('-')}".replace("-", "_").upper()
                out.append(
                    f'{var}="${{{var}:?set {var}: az requires {flag} for a community gallery}}"\n'
                )
                args.append(_var(flag, var))
        if gal.soft_delete:
            args.append("--soft-delete true")
        out.append("\n" + _line(args))
        for image in g.images:
            d = image.spec
            args = [
                "az sig image-definition create",
                _var("--resource-group", "RESOURCE_GROUP"),
                _opt("--gallery-name", gal.name),
                _opt("--gallery-image-definition", d.name),
                _opt("--location", gal.region),
                _opt("--publisher", d.publisher),
                _opt("--offer", d.offer),
                _opt("--sku", d.sku),
                _opt("--os-type", d.os_type),
                _opt("--os-state", d.os_state),
                _opt("--hyper-v-generation", d.hyperv_generation),
                _opt("--architecture", d.architecture),
                _opt("--features", "SecurityType=" + d.security_type),
                '--tags "${TAGS[@]}"',
            ]
            if d.description:
                args.append(f"--description={q(d.description)}")
            if d.end_of_life:
                args.append(_opt("--end-of-life-date", d.end_of_life.isoformat()))
            out.append("\n" + _line(args))
            for v in image.versions:
                regions = [f"{t.region}={t.replicas}={t.storage.lower()}" for t in v.targets]
                args = [
                    "az sig image-version create",
                    _var("--resource-group", "RESOURCE_GROUP"),
                    _opt("--gallery-name", gal.name),
                    _opt("--gallery-image-definition", d.name),
                    _opt("--gallery-image-version", v.name),
                    _opt("--location", gal.region),
                    *_source(v),
                    _regions(regions),
                    _opt("--replica-count", v.replicas),
                    _opt("--storage-account-type", v.storage),
                    _opt("--replication-mode", v.replication_mode),
                    '--tags "${TAGS[@]}"',
                ]
                # hidden from latest until the update below sets each region's own flag
                hidden = v.exclude_from_latest or any(
                    _excluded(v, i) for i in range(len(v.targets))
                )
                args.append(f"--exclude-from-latest {str(hidden).lower()}")
                if v.end_of_life:
                    args.append(_opt("--end-of-life-date", v.end_of_life.isoformat()))
                minutes = timeout_minutes(v.replication_estimate_s)
                why = "".join(
                    f"#   {t.region}: {replicas_text(t.replicas)}: {one_line(t.reason)}\n"
                    for t in v.targets
                )
                out.append(
                    f"\n# replication is estimated at "
                    f"{round(v.replication_estimate_s / 60)} min: allow {minutes} min\n"
                    f"# replicas per region, and why:\n{why}" + _line(args)
                )
                sets = [
                    f"publishingProfile.targetRegions[{i}].excludeFromLatest="
                    f"{str(_excluded(v, i)).lower()}"
                    for i in range(len(v.targets))
                ]
                if hidden != v.exclude_from_latest:
                    sets.append(
                        f"publishingProfile.excludeFromLatest={str(v.exclude_from_latest).lower()}"
                    )
                if sets:  # --target-regions has no per-region exclude-from-latest
                    out.append(
                        "\n# the per-region exclude-from-latest flags\n"
                        + _line(
                            [
                                "az sig image-version update",
                                _var("--resource-group", "RESOURCE_GROUP"),
                                _opt("--gallery-name", gal.name),
                                _opt("--gallery-image-definition", d.name),
                                _opt("--gallery-image-version", v.name),
                                *(_opt("--set", x) for x in sets),
                            ]
                        )
                    )
    out += [_role_assignment(a) for a in export.access.assignments]
    names = {g.key: g.spec.name for g in export.galleries}
    for share in export.access.shares:
        out.append(f"\n# direct sharing of {one_line(q(names[share.gallery_key]))}\n")
        for flag, params in (
            ("--subscription-ids", share.subscriptions),
            ("--tenant-ids", share.tenants),
        ):
            for p in params:
                out.append(
                    _line(
                        [
                            "az sig share add",
                            _var("--resource-group", "RESOURCE_GROUP"),
                            _opt("--gallery-name", names[share.gallery_key]),
                            _var(flag, p.name.upper()),
                        ]
                    )
                )
    return "".join(out)


def _excluded(v: Version, i: int) -> bool:
    own = v.targets[i].exclude_from_latest
    return v.exclude_from_latest if own is None else own


def _source(v: Version) -> list[str]:
    """The version's source options [CLI]."""
    src = v.source
    if src is None:
        return [_var("--managed-image", v.source_param.upper())]
    if src.kind == "vhd":
        return [
            _var("--os-vhd-uri", src.params["uri"].name.upper()),
            _var("--os-vhd-storage-account", src.params["storage_account"].name.upper()),
        ]
    flag = {"managed_image": "--managed-image", "snapshot": "--os-snapshot"}.get(
        src.kind, "--virtual-machine"
    )
    return [_var(flag, src.params["id"].name.upper())]


def _role_assignment(a) -> str:
    kinds = ["Microsoft.Compute/galleries/", "images/", "versions/"]
    path = "/".join(k + n for k, n in zip(kinds, a.scope, strict=False))
    # the id's variable part in double quotes, the names shell-quoted: bash joins the two
    scope = f'--scope="{SCOPE}"{q(path)}'
    return f"\n# {a.role} for {one_line(a.assignee)}\n" + _line(
        [
            "az role assignment create",
            _var("--assignee-object-id", a.principal.name.upper()),
            _opt("--role", a.role),
            scope,
        ]
    )
