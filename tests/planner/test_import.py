"""Importing ARM templates someone else wrote: ARM's own limits and refusals, every wrong type
a located problem, no silent misreads, and nothing but ScenarioError for any template."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acgsim.planner.export import importer, template
from acgsim.planner.export.expressions import MAX_EXPRESSION_CHARS, MAX_NESTING
from acgsim.sim.errors import ScenarioError

G = "Microsoft.Compute/galleries"
IMAGE = {
    "type": f"{G}/images",
    "name": "gal/web",
    "properties": {
        "osType": "Linux",
        "osState": "Generalized",
        "identifier": {"publisher": "p", "offer": "o", "sku": "s"},
    },
}


def _gallery(**fields) -> dict:
    return {"type": G, "name": "gal", "location": "westeurope", **fields}


def _version(profile: dict) -> dict:
    return {
        "type": f"{G}/images/versions",
        "name": "gal/web/1.0.0",
        "location": "westeurope",
        "properties": {"publishingProfile": profile},
    }


def _problems(template: dict) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        importer.import_template(template, "t.json")
    return info.value.lines


def _one(template: dict) -> str:
    [line] = _problems(template)
    return line


# --- evaluation: memoised, cycles and arities refused with the expression quoted ----------------


def test_references_that_fan_out_are_evaluated_once():
    # each variable uses the one before eight times: 8**14 evaluations without memoising
    variables = {"v0": "gal"}
    for i in range(1, 15):
        variables[f"v{i}"] = "[format('{0}', " + ", ".join([f"variables('v{i - 1}')"] * 8) + ")]"
    start = time.perf_counter()
    scenario = importer.import_template(
        {"variables": variables, "resources": [_gallery(name="[variables('v14')]")]}, "t.json"
    )
    assert scenario.galleries[0].name == "gal" and time.perf_counter() - start < 5


def test_text_that_doubles_stops_at_arms_4_mb():
    variables = {"v0": "x" * 1000}
    for i in range(1, 30):
        variables[f"v{i}"] = f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
    line = _one({"variables": variables, "resources": [_gallery(name="[variables('v29')]")]})
    assert "expands past 4 MB" in line and "ARM's limit is 4 MB" in line
    assert line.startswith("t.json: variables.v1")


@pytest.mark.parametrize(
    ("variables", "where", "cycle"),
    [
        ({"a": "[variables('a')]"}, "variables.a", "a -> a"),
        (
            {"a": "[variables('b')]", "b": "[concat('x', variables('A'))]"},
            "variables.b",
            "a -> b -> a",
        ),
        ({"a": {"inner": ["[variables('a')]"]}}, "variables.a.inner[0]", "a -> a"),
    ],
)
def test_a_variable_that_refers_to_itself_is_refused(variables, where, cycle):
    line = _one({"variables": variables, "resources": [_gallery(name="[variables('a')]")]})
    assert line.startswith(f't.json: {where}: "[') and f"refers to itself: {cycle}" in line


def test_a_parameter_default_that_refers_to_itself_is_refused():
    line = _one(
        {
            "parameters": {"p": {"type": "string", "defaultValue": "[parameters('p')]"}},
            "resources": [_gallery(name="[parameters('p')]")],
        }
    )
    assert "parameters.p.defaultValue" in line and "refers to itself: p -> p" in line


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("[format('{0}-{1}', 'a')]", "format() has no value for {1}: 1 value(s) follow"),
        ("[format()]", "format() takes 1 or more argument(s), got 0"),
        ("[parameters()]", "parameters() takes 1 argument(s), got 0"),
        ("[parameters('a', 'b')]", "parameters() takes 1 argument(s), got 2"),
        ("[variables(1)]", "variables() takes a name (a string), not an integer"),
        ("[variables('nope')]", "variables('nope'): the template declares no such variable"),
        ("[parameters('nope')]", "parameters('nope'): the template declares no such parameter"),
        ("[concat()]", "concat() takes 1 or more argument(s), got 0"),
        ("[concat('a', variables('o'))]", "argument 2 is an object"),
        ("[concat('g', copyIndex())]", "copyIndex() is used outside a copy loop"),
        ("[copyIndex(1, 2)]", "copyIndex() takes a loop name and then an integer offset"),
        ("[variables('o').missing]", "the object has no property 'missing'"),
        ("[variables('list')[5]]", "index 5 is outside the array of 2"),
    ],
)
def test_what_arm_refuses_is_refused_with_the_expression_quoted(expression, message):
    line = _one(
        {
            "variables": {"o": {"a": 1}, "list": ["x", "y"]},
            "resources": [_gallery(name=expression)],
        }
    )
    assert line.startswith(f't.json: resources[0].name: "{expression}": ') and message in line


def test_expressions_over_arms_length_and_nesting_are_refused():
    long = "[concat(" + ",".join(["'a'"] * (MAX_EXPRESSION_CHARS // 4)) + ")]"
    assert "ARM's limit is 24,576" in _one({"resources": [_gallery(name=long)]})
    deep = "[" + "concat(" * (MAX_NESTING + 1) + "'a'" + ")" * (MAX_NESTING + 1) + "]"
    assert f"the limit is {MAX_NESTING}" in _one({"resources": [_gallery(name=deep)]})


def test_names_are_case_insensitive_and_escapes_literal():
    scenario = importer.import_template(
        {
            "parameters": {"GalleryName": {"type": "string", "defaultValue": "gal"}},
            "variables": {"Info": {"Text": "[[not an expression]"}},
            "resources": [
                _gallery(
                    name="[PARAMETERS('galleryname')]",
                    properties={"description": "[variables('INFO').text]"},
                )
            ],
        },
        "t.json",
    )
    assert scenario.galleries[0].description == "[not an expression]"


def test_the_resource_groups_location_is_asked_for_or_taken_from_the_template():
    template = {"resources": [_gallery(location="[resourceGroup().location]")]}
    assert _one(template) == (
        "t.json: resources[0].location: uses resourceGroup().location and the template names no "
        "region literally: give the resource group's region with --location REGION"
    )
    scenario = importer.import_template(template, "t.json", location="North Europe")
    assert scenario.galleries[0].region == "northeurope"
    version = _version({"targetRegions": [{"name": "[resourceGroup().location]"}]})
    scenario = importer.import_template(
        {"resources": [template["resources"][0], IMAGE, version]}, "t.json"
    )
    [target] = scenario.galleries[0].images[0].versions[0].regions
    assert scenario.galleries[0].region == target.region == "westeurope"
    assert "resourceGroup().location taken as westeurope" in scenario.description


# --- copy loops: ARM's 800 -----------------------------------------------------------------


def test_resource_copy_loops_are_expanded():
    scenario = importer.import_template(
        {
            "resources": [
                _gallery(name="[concat('gal', copyIndex(1))]", copy={"name": "g", "count": 3})
            ]
        },
        "t.json",
    )
    assert [g.name for g in scenario.galleries] == ["gal1", "gal2", "gal3"]


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (801, "copy count 801 is over ARM's limit: \"The count can't exceed 800.\""),
        (10**6, "copy count 1,000,000 is over ARM's limit"),
        (-1, "copy count -1 is negative"),
        ("3", "a copy count must be an integer, not a string"),
        ("[resourceGroup().n]", "cannot read the copy count"),
    ],
)
def test_copy_counts_arm_refuses_are_refused(count, message):
    line = _one({"resources": [_gallery(name="gal", copy={"name": "g", "count": count})]})
    assert line.startswith("t.json: resources[0].copy") and message in line


def test_more_than_800_resources_with_copies_counted_are_refused():
    storage = {"type": "Microsoft.Storage/storageAccounts", "name": "s"}
    at_limit = [{**storage, "copy": {"name": "s", "count": 799}}, _gallery()]
    assert importer.import_template({"resources": at_limit}, "t.json").galleries
    over = [{**storage, "copy": {"name": "s", "count": 800}}, _gallery()]
    assert "more than 800 resources with copies counted" in _one({"resources": over})


_REGION = "[variables('names')[copyIndex('regions')]]"


def test_property_and_variable_copy_loops_are_expanded():
    target = {
        "name": "[variables('regions')[copyIndex('targetRegions')]]",
        "excludeFromLatest": "FALSE",
    }
    scenario = importer.import_template(
        {
            "variables": {
                "copy": [{"name": "regions", "count": 2, "input": _REGION}],
                "names": ["westeurope", "northeurope"],
            },
            "resources": [
                _gallery(),
                IMAGE,
                _version({"copy": [{"name": "targetRegions", "count": 2, "input": target}]}),
            ],
        },
        "t.json",
    )
    [version] = scenario.galleries[0].images[0].versions
    assert [(t.region, t.exclude_from_latest) for t in version.regions] == [
        ("westeurope", False),
        ("northeurope", False),
    ]


# --- wrongly typed sections and fields: located problems, all of them ------------------------


@pytest.mark.parametrize(
    ("template", "where", "message"),
    [
        ({"resources": "x"}, "resources", "no resources list"),
        ({"resources": ["x"]}, "resources[0]", "a resource must be an object, not a string"),
        ({"resources": [{"type": 5}]}, "resources[0].type", "must be a string, not an integer"),
        ({"resources": [_gallery(resources={})]}, "resources[0].resources", "must be an array"),
        ({"resources": [_gallery(properties="x")]}, "resources[0].properties", "must be an object"),
        ({"resources": [_gallery(copy=[])]}, "resources[0].copy", "an object with a name"),
        ({"parameters": [], "resources": []}, "parameters", "must be an object, not an array"),
        ({"parameters": {"p": 1}, "resources": []}, "parameters.p", "must be an object"),
        ({"variables": "x", "resources": []}, "variables", "must be an object, not a string"),
        (
            {"variables": {"copy": [{"name": "a"}]}, "resources": []},
            "variables.copy[0]",
            "a copy loop needs a name, a count and an input",
        ),
        (
            {"variables": {"a": 1, "A": 2}, "resources": []},
            "variables.A",
            "'A' and 'a' are the same name in ARM",
        ),
        (
            {"parameters": {f"p{i}": {} for i in range(257)}, "resources": []},
            "parameters",
            "declares 257 parameters; ARM's limit is 256",
        ),
    ],
)
def test_wrong_template_shapes_are_located(template, where, message):
    line = _one(template)
    assert line.startswith(f"t.json: {where}: ") and message in line


def test_every_wrongly_typed_field_is_reported_at_once():
    lines = _problems(
        {
            "resources": [
                _gallery(
                    properties={
                        "description": 5,
                        "sharingProfile": {"permissions": "Everyone"},
                        "softDeletePolicy": {"isSoftDeleteEnabled": "yes"},
                    }
                ),
                {**IMAGE, "properties": {**IMAGE["properties"], "features": "x"}},
                _version({"targetRegions": [{"name": None}, 3], "endOfLifeDate": "soon"}),
            ]
        }
    )
    at = "t.json: resources"
    assert lines == [
        f"{at}[0].properties.sharingProfile.permissions: 'Everyone' is not one of Private, "
        "Groups, Community",
        f"{at}[0].properties.description: must be a string, not an integer",
        f"{at}[0].properties.softDeletePolicy.isSoftDeleteEnabled: must be true or false, "
        "not 'yes'",
        f"{at}[1].properties.features: must be an array, not a string",
        f"{at}[2].properties.publishingProfile.targetRegions[0].name: is missing, or an "
        "expression that depends on the deployment; give the region's name (or --location)",
        f"{at}[2].properties.publishingProfile.targetRegions[1]: must be an object, not an integer",
        f"{at}[2].properties.publishingProfile.endOfLifeDate: 'soon' is not a date (YYYY-MM-DD...)",
    ]


# --- silent misreads -------------------------------------------------------------------------


@pytest.mark.parametrize("name", [None, "", 7, "[variables('nothing')]"])
def test_a_gallery_without_a_name_is_refused_not_called_none(name):
    fields = {"name": name} if name is not None else {}
    resource = {k: v for k, v in _gallery(**fields).items() if name is not None or k != "name"}
    line = _one({"variables": {"nothing": None}, "resources": [resource]})
    assert line.startswith("t.json: resources[0].name: is ") and "None" not in line


@pytest.mark.parametrize(
    ("written", "read"), [("false", False), ("FALSE", False), ("True", True), (False, False)]
)
def test_booleans_written_as_text_keep_their_meaning(written, read):
    scenario = importer.import_template(
        {
            "resources": [
                _gallery(properties={"softDeletePolicy": {"isSoftDeleteEnabled": written}}),
                IMAGE,
                _version({"excludeFromLatest": written, "targetRegions": [{"name": "westeurope"}]}),
            ]
        },
        "t.json",
    )
    gallery = scenario.galleries[0]
    assert gallery.soft_delete is read
    assert gallery.images[0].versions[0].exclude_from_latest is read


@pytest.mark.parametrize("written", ["yes", "0", 1, "", "false "])
def test_anything_else_as_a_boolean_is_refused(written):
    line = _one(
        {"resources": [_gallery(properties={"softDeletePolicy": {"isSoftDeleteEnabled": written}})]}
    )
    assert "isSoftDeleteEnabled: must be true or false" in line


def test_a_resource_defined_twice_is_refused():
    line = _one({"resources": [_gallery(), _gallery()]})
    assert "resources[1].name: Microsoft.Compute/galleries 'gal' is defined twice" in line


def test_versions_for_plan_against_are_read_within_the_same_limits():
    looping = {**_version({}), "name": "[variables('a')]"}
    with pytest.raises(ScenarioError) as info:
        importer.version_resources(
            {"variables": {"a": "[variables('a')]"}, "resources": [looping]}, "current.json"
        )
    assert info.value.lines == [
        "current.json: variables.a: \"[variables('a')]\": variables('a') refers to itself: a -> a"
    ]
    copied = {
        **_version({}),
        "name": "[concat('gal/web/1.0.', copyIndex())]",
        "copy": {"name": "v", "count": 2},
    }
    found = importer.version_resources({"resources": [copied]})
    assert [parts for _, parts, _ in found] == [["gal", "web", "1.0.0"], ["gal", "web", "1.0.1"]]


# --- problems carry the template's line --------------------------------------------------------


def test_import_problems_name_the_line_in_the_template(tmp_path):
    text = json.dumps(
        {"variables": {"a": "[variables('a')]"}, "resources": [_gallery(name="[variables('a')]")]},
        indent=2,
    )
    path = tmp_path / "t.json"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        importer.import_file(path)
    [p] = info.value.problems
    assert p.line == text.splitlines().index('    "a": "[variables(\'a\')]"') + 1


def test_a_template_file_over_arms_4_mb_is_refused_unread(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(
        json.dumps({"resources": [_gallery(description="x" * template.MAX_TEMPLATE_CHARS)]})
    )
    with pytest.raises(ScenarioError) as info:
        importer.import_file(path)
    assert "larger than ARM's limit for a template, 4 MB" in info.value.lines[0]


# --- any template at all: a scenario or ScenarioError, nothing else ---------------------------

_NAMES = st.sampled_from(["a", "b", "A", "p", "copy", "name", "x"])
_EXPRESSIONS = st.recursive(
    st.one_of(
        st.sampled_from(["'a'", "'gal'", "1", "-1", "''", "'{0}'", "'{1}{0}'", "'{'"]),
    ),
    lambda inner: st.builds(
        lambda f, args, access: f"{f}({', '.join(args)}){access}",
        st.sampled_from(
            ["parameters", "variables", "concat", "format", "copyIndex", "resourceGroup", "x"]
        ),
        st.lists(inner, max_size=3),
        st.sampled_from(["", ".a", "[0]", ".location", "[", ")"]),
    ),
    max_leaves=8,
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 900),
    st.text(max_size=6),
    st.sampled_from(["true", "False", "westeurope", "[[x]", "[x", "2026-01-01"]),
    _EXPRESSIONS.map(lambda e: f"[{e}]"),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(_NAMES | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)
_RESOURCE = st.fixed_dictionaries(
    {"type": st.sampled_from([G, f"{G}/images", f"{G}/images/versions", "images", "x"]) | _JSON},
    optional={
        "name": _SCALARS,
        "location": _SCALARS,
        "properties": _JSON,
        "copy": st.fixed_dictionaries({"name": _SCALARS, "count": _SCALARS}) | _JSON,
        "resources": st.lists(_JSON, max_size=2) | _JSON,
    },
)
_TEMPLATES = st.fixed_dictionaries(
    {},
    optional={
        "parameters": st.dictionaries(
            _NAMES, st.fixed_dictionaries({}, optional={"defaultValue": _JSON}) | _JSON, max_size=3
        )
        | _JSON,
        "variables": st.dictionaries(_NAMES, _JSON, max_size=4) | _JSON,
        "resources": st.lists(_RESOURCE | _JSON, max_size=4) | _JSON,
    },
)


def _or_anything(good: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly the right shape, sometimes any JSON at all."""
    return st.one_of(good, good, _JSON)


def _props(**fields: st.SearchStrategy) -> st.SearchStrategy:
    return _or_anything(st.fixed_dictionaries({}, optional=fields))


_TEXT = _or_anything(
    st.sampled_from(["gal", "web", "x.y", "[parameters('p')]", "[variables('a')]"])
)
_REGIONS = _or_anything(st.sampled_from(["westeurope", "North Europe", "[parameters('p')]"]))
_FLAGS = _or_anything(st.sampled_from([True, False, "true", "FALSE"]))
_GALLERY_TEMPLATES = st.fixed_dictionaries(
    {
        "parameters": st.dictionaries(
            _NAMES, st.fixed_dictionaries({"defaultValue": _JSON | _TEXT}), max_size=2
        ),
        "variables": st.dictionaries(_NAMES, _JSON | _TEXT, max_size=3),
        "resources": st.tuples(
            st.fixed_dictionaries(
                {"type": st.just(G), "name": _TEXT, "location": _REGIONS},
                optional={
                    "properties": _props(
                        description=_TEXT,
                        sharingProfile=_props(permissions=_TEXT, communityGalleryInfo=_JSON),
                        softDeletePolicy=_props(isSoftDeleteEnabled=_FLAGS),
                    ),
                    "copy": st.fixed_dictionaries({"name": _TEXT, "count": st.integers(0, 3)}),
                },
            ),
            st.fixed_dictionaries(
                {"type": st.just(f"{G}/images"), "name": st.just("gal/web") | _TEXT},
                optional={
                    "properties": _props(
                        identifier=_props(publisher=_TEXT, offer=_TEXT, sku=_TEXT),
                        osType=st.just("Linux") | _TEXT,
                        osState=st.just("Generalized") | _TEXT,
                        features=_or_anything(st.lists(_props(name=_TEXT, value=_TEXT))),
                        endOfLifeDate=_TEXT,
                    )
                },
            ),
            st.fixed_dictionaries(
                {"type": st.just(f"{G}/images/versions"), "name": st.just("gal/web/1.0.0")},
                optional={
                    "properties": _props(
                        publishingProfile=_props(
                            targetRegions=_or_anything(
                                st.lists(
                                    _props(
                                        name=_REGIONS,
                                        regionalReplicaCount=_JSON,
                                        excludeFromLatest=_FLAGS,
                                    ),
                                    max_size=3,
                                )
                            ),
                            excludeFromLatest=_FLAGS,
                            replicaCount=_JSON,
                        )
                    )
                },
            ),
        ).map(list),
    }
)


@given(st.one_of(_TEMPLATES, _GALLERY_TEMPLATES))
def test_any_template_gives_a_scenario_or_scenario_error(arm):
    try:
        importer.import_template(arm, "t.json")
    except ScenarioError as exc:
        assert exc.problems and all(p.file == "t.json" for p in exc.problems)
