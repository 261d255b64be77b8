"""Import inputs beyond the template: parameters files and --set checked as ARM checks them,
ARM's uniqueString, hostile expressions refused with exit 2 and the expression quoted, and every
2025-03-03 property either mapped or named in the note (read from the official schema)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.planner.export import importer, inputs
from acgsim.planner.export.unique_string import unique_string
from acgsim.sim.errors import InputError, ScenarioError

SCHEMA = Path("/work/shared/schemas/arm/2025-03-03.Microsoft.Compute.json")
G = "Microsoft.Compute/galleries"
TEMPLATE = {
    "parameters": {
        "galleryName": {"type": "string"},
        "replicas": {"type": "int", "defaultValue": 1, "minValue": 1, "maxValue": 100},
        "sku": {
            "type": "string",
            "defaultValue": "Standard_LRS",
            "allowedValues": ["Standard_LRS", "Standard_ZRS"],
        },
    },
    "resources": [
        {"type": G, "name": "[parameters('galleryName')]", "location": "westeurope"},
        {
            "type": f"{G}/images",
            "name": "[concat(parameters('galleryName'), '/web')]",
            "properties": {
                "osType": "Linux",
                "osState": "Generalized",
                "identifier": {"publisher": "p", "offer": "o", "sku": "s"},
            },
        },
        {
            "type": f"{G}/images/versions",
            "name": "[concat(parameters('galleryName'), '/web/1.0.0')]",
            "properties": {
                "publishingProfile": {
                    "targetRegions": [
                        {
                            "name": "westeurope",
                            "regionalReplicaCount": "[parameters('replicas')]",
                            "storageAccountType": "[parameters('sku')]",
                        }
                    ]
                }
            },
        },
    ],
}


# values real deployments printed, as KingslandConsulting/Kingsland.ArmLinter records them
# (src/Kingsland.ArmLinter/Functions/ArmFunctions_UniqueString.cs)
@pytest.mark.parametrize(
    ("args", "value"),
    [
        (("aaa",), "zavj67f3en4hc"),
        (("bbb",), "w5eragfxe33cy"),
        (("zzz",), "cryksdzzzawae"),
        (("xxx", "yyy", "zzz"), "lghi7k5js7itq"),
    ],
)
def test_unique_string_is_arms(args, value):
    assert unique_string(*args) == value


def _write(tmp_path, name, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_values_come_from_a_parameters_file_and_set(tmp_path):
    t = _write(tmp_path, "t.json", TEMPLATE)
    for shape in (
        {"parameters": {"galleryName": {"value": "g1"}}},
        {
            "$schema": "x",
            "contentVersion": "1.0.0.0",
            "parameters": {"galleryName": {"value": "g1"}},
        },
        {"galleryName": {"value": "g1"}},
    ):
        p = _write(tmp_path, "p.json", shape)
        s = inputs.import_file(t, p, ["replicas=7", "sku=standard_zrs"])
        [target] = s.galleries[0].images[0].versions[0].regions
        assert (s.galleries[0].name, target.replicas, target.storage) == ("g1", 7, "Standard_ZRS")


def test_a_missing_value_names_the_parameter_never_none(tmp_path):
    with pytest.raises(ScenarioError) as info:
        inputs.import_file(_write(tmp_path, "t.json", TEMPLATE))
    for line in info.value.lines:  # every resource whose name needs it says so
        assert "parameters('galleryName') has no value" in line, line
        assert "--set galleryName=VALUE" in line and "None" not in line


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (
            ["galleryName=g", "replicas=many"],
            "parameter 'replicas' is an integer; the value given is a string",
        ),
        (["galleryName=g", "replicas=0"], "its minValue says at least 1"),
        (["galleryName=g", "sku=Premium_LRS"], "is not one of its allowedValues"),
        (["galleryName=g", "nope=1"], "'nope', which the template does not declare"),
    ],
)
def test_supplied_values_are_checked_as_arm_checks_them(tmp_path, sets, message):
    with pytest.raises(ScenarioError) as info:
        inputs.import_file(_write(tmp_path, "t.json", TEMPLATE), sets=sets)
    assert message in info.value.lines[0]


def test_key_vault_references_and_bicepparam_are_refused(tmp_path):
    t = _write(tmp_path, "t.json", TEMPLATE)
    ref = {
        "parameters": {"galleryName": {"reference": {"keyVault": {"id": "kv"}, "secretName": "s"}}}
    }
    with pytest.raises(ScenarioError) as info:
        inputs.import_file(t, _write(tmp_path, "p.json", ref))
    assert "is a Key Vault reference (secret 's'): acgsim reads no secrets" in info.value.lines[0]
    with pytest.raises(ScenarioError) as info:
        inputs.import_file(t, _write(tmp_path, "p.bicepparam", "using 'main.bicep'\n"))
    assert "bicep build-params" in info.value.lines[0]
    with pytest.raises(InputError):
        inputs.import_file(t, sets=["novalue"])


_HOSTILE = {
    "cycle": (
        {"a": "[variables('b')]", "b": "[variables('a')]"},
        "[variables('a')]",
        "refers to itself: a -> b -> a",
    ),
    "arity": ({}, "[toLower('a', 'b')]", "toLower() takes 1 argument(s), got 2"),
    "unknown function": (
        {},
        "[frobnicate('a')]",
        "'frobnicate' is not a template function ARM knows",
    ),
    "wrong type": ({}, "[length(1)]", "length() takes a string, an array or an object"),
    "deep": ({}, "[" + "concat(" * 150 + "'a'" + ")" * 150 + "]", "the limit is 100"),
    "huge range": ({}, "[string(range(0, 100000))]", "outside ARM's 0 to 10,000"),
    "user function recursion": ({}, "[f.g('a')]", "nests more than 100 deep"),
}


@pytest.mark.parametrize("case", sorted(_HOSTILE))
def test_hostile_expressions_exit_2_with_the_expression_quoted(case, tmp_path):
    variables, name, message = _HOSTILE[case]
    template = {
        "variables": variables,
        "functions": [
            {
                "namespace": "f",
                "members": {
                    "g": {
                        "parameters": [{"name": "x", "type": "string"}],
                        "output": {"type": "string", "value": "[f.g(parameters('x'))]"},
                    }
                },
            }
        ],
        "resources": [{"type": G, "name": name, "location": "westeurope"}],
    }
    result = CliRunner().invoke(app, ["import", str(_write(tmp_path, "t.json", template))])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert '"[' in result.output  # the expression is quoted


def test_a_huge_copy_count_exits_2(tmp_path):
    template = {
        "resources": [
            {
                "type": f"{G}/images/versions",
                "name": "g/i/1.0.0",
                "copy": {"name": "c", "count": "[mul(1000, 1000)]"},
            }
        ]
    }
    result = CliRunner().invoke(app, ["import", str(_write(tmp_path, "t.json", template))])
    assert result.exit_code == 2 and "copy count 1,000,000 is over ARM's limit" in result.output


def _every_property(definition: str, defs: dict, depth: int = 0) -> dict:
    """A value for every property the schema defines under a definition (objects filled)."""
    out = {}
    for name, spec in defs[definition].get("properties", {}).items():
        ref = spec.get("oneOf", [spec])[0].get("$ref", "") if isinstance(spec, dict) else ""
        target = ref.rpartition("/")[2]
        if (
            ref.startswith("#/definitions/")
            and target in defs
            and depth < 3
            and defs[target].get("properties")
        ):
            out[name] = _every_property(target, defs, depth + 1)
        else:
            out[name] = "x"
    return out


def test_every_2025_03_03_version_property_is_mapped_or_named_in_the_note():
    defs = json.loads(SCHEMA.read_text())["definitions"]
    props = _every_property("GalleryImageVersionProperties", defs)
    props["publishingProfile"]["targetRegions"] = [
        {
            **_every_property("TargetRegion", defs),
            "name": "westeurope",
            "regionalReplicaCount": 1,
            "storageAccountType": "Standard_LRS",
            "excludeFromLatest": False,
        }
    ]
    profile = props["publishingProfile"]
    profile.update(
        replicaCount=1,
        storageAccountType="Standard_LRS",
        excludeFromLatest=False,
        endOfLifeDate="2030-01-01",
        replicationMode="Full",
    )
    profile.pop("storageAccountStrategy")  # ARM refuses it together with storageAccountType
    template = {
        "resources": [
            {
                "type": f"{G}/images/versions",
                "name": "g/i/1.0.0",
                "location": "westeurope",
                "properties": props,
            }
        ]
    }
    text = importer.import_template(template, "t.json").description
    mapped = {
        "publishingProfile",
        "name",
        "regionalReplicaCount",
        "storageAccountType",
        "excludeFromLatest",
        "replicaCount",
        "endOfLifeDate",
        "replicationMode",
        "publishedDate",
    }
    keys = [*props, *profile, *profile["targetRegions"][0]]
    assert len(keys) > 15
    for key in keys:
        assert key in mapped or key in text, key


@pytest.mark.parametrize("name", ["azuredeploy.json", "templates"])
def test_a_missing_file_or_a_folder_exits_2_naming_it(name, tmp_path):
    (tmp_path / "templates").mkdir()
    result = CliRunner().invoke(app, ["import", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{tmp_path / name}: ") and "Traceback" not in result.output
