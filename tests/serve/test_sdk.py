"""The real Azure SDK for Python against acgsim serve: create, replicate, deploy, be throttled.

azure-mgmt-compute (on azure-core: its bearer-token policy, retry policy and ARM LRO poller) talks
HTTPS to the live server with a static token (accepted and discarded). It creates a gallery, an
image definition and a version replicated to three regions, waits with its own poller while the
model replicates, then creates 300 VMs from the version at once: ARM's write bucket (200 tokens,
10 a second) refuses some with 429 + Retry-After, and the SDK's retry policy waits that long and
sends them again. Every VM is created in the end.
"""

from __future__ import annotations

import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import SUB

pytest.importorskip(
    "azure.mgmt.compute", reason="the SDK test needs azure-mgmt-compute (test extra)"
)

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute import models as m

VMS = 300  # more than the 200 tokens of ARM's write bucket, sent faster than 10 a second
WORKERS = 8  # fewer than the 10 tokens a second refill: with more, some lose every round
SECRET = "Not-a-real-Passw0rd!"


class StaticToken:
    """A credential that never asks anyone: the token is any string, and acgsim discards it."""

    def get_token(self, *scopes, **kwargs):
        return AccessToken("static-test-token", int(time.time()) + 3600)


class Watch(SansIOHTTPPolicy):
    """Runs on every attempt (a per-retry policy): counts answers and checks that a retry after a
    429 waited at least the Retry-After it was given."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes: dict[int, int] = {}
        self.refused: dict[int, tuple[float, float]] = {}  # request -> (when, Retry-After)
        self.gaps: list[tuple[float, float]] = []  # (waited, Retry-After) of each retry

    def on_request(self, request):
        key = id(request.http_request)
        with self.lock:
            if key in self.refused:
                when, after = self.refused.pop(key)
                self.gaps.append((time.monotonic() - when, after))

    def on_response(self, request, response):
        status = response.http_response.status_code
        with self.lock:
            self.codes[status] = self.codes.get(status, 0) + 1
            if status == 429:
                after = float(response.http_response.headers["Retry-After"])
                self.refused[id(request.http_request)] = (time.monotonic(), after)


def _client(live, watch=None):
    return ComputeManagementClient(
        StaticToken(),
        SUB,
        base_url=live.url,
        credential_scopes=["https://management.azure.com/.default"],
        connection_verify=str(live.cert),
        per_retry_policies=[watch] if watch else [],
        polling_interval=1,
        # ARM's buckets are not queues: a client waking from its Retry-After competes with
        # clients sending fresh requests, and on a loaded machine one VM lost the SDK's default
        # 10 retries in a row. A class (and this test) sets a larger budget.
        retry_total=40,
    )


@pytest.fixture(scope="module")
def version(live):
    """The SDK publishes 1.0.0 to three regions and waits for replication with its poller."""
    c = _client(live)
    gallery = c.galleries.begin_create_or_update(
        "rg-class", "classgallery", m.Gallery(location="eastus")
    ).result()
    image = c.gallery_images.begin_create_or_update(
        "rg-class",
        "classgallery",
        "ubuntu-web",
        m.GalleryImage(
            location="eastus",
            properties=m.GalleryImageProperties(
                os_type="Linux",
                os_state="Generalized",
                identifier=m.GalleryImageIdentifier(publisher="contoso", offer="web", sku="22_04"),
            ),
        ),
    ).result()
    started = live.server.world.now
    poller = c.gallery_image_versions.begin_create_or_update(
        "rg-class",
        "classgallery",
        "ubuntu-web",
        "1.0.0",
        m.GalleryImageVersion(
            location="eastus",
            properties=m.GalleryImageVersionProperties(
                publishing_profile=m.GalleryImageVersionPublishingProfile(
                    target_regions=[
                        m.TargetRegion(name="East US", regional_replica_count=1),
                        m.TargetRegion(name="westeurope", regional_replica_count=10),
                        m.TargetRegion(name="westus2", storage_account_type="Standard_ZRS"),
                    ]
                ),
                storage_profile=m.GalleryImageVersionStorageProfile(
                    source=m.GalleryArtifactVersionFullSource(
                        id=f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/"
                        "images/golden"
                    )
                ),
            ),
        ),
    )
    assert not poller.done()  # replication takes model time: the SDK has to poll
    result = poller.result()
    # Succeeded is not yet deployable: a region that just completed answers GalleryImageNotFound
    # for the model's propagation delay (AgentBaker PR 8373). At speed 1000 that is 60 ms of wall
    # time, which the VM test below can fall inside when the poller's last poll lands just after
    # the last region completed; the class jumps the clock past it as a trainer would.
    delay = live.server.world.scenario.model.replication.propagation_delay
    trust = ssl.create_default_context(cafile=str(live.cert))
    clock = f"{live.url}/acgsim/clock"
    jumped = httpx.post(clock, json={"advance": delay}, verify=trust, timeout=30)
    assert jumped.status_code == 200, jumped.text
    return gallery, image, result, started, c


def test_sdk_creates_gallery_image_and_version_and_polls_replication(live, version):
    gallery, image, result, started, c = version
    assert gallery.properties.provisioning_state == "Succeeded"
    assert image.properties.hyper_v_generation == "V2"  # the 2025-03-03+ default [SIG]
    assert result.properties.provisioning_state == "Succeeded"
    # replication took the model's time: a first copy across regions is overhead + 30 GB at WAN
    p = live.server.world.scenario.model.replication
    lower_bound = p.overhead + 30 * 1024 / p.wan_mb_per_s * 0.5
    assert live.server.world.now - started > lower_bound
    got = c.gallery_image_versions.get(
        "rg-class", "classgallery", "ubuntu-web", "1.0.0", expand="ReplicationStatus"
    )
    status = got.properties.replication_status
    assert status.aggregated_state == "Completed"
    assert sorted(s.region for s in status.summary) == ["eastus", "westeurope", "westus2"]
    assert {s.progress for s in status.summary} == {100}
    polls = [r for r in live.server.trace.recent if "/operations/" in r["path"]]
    assert len(polls) >= 2  # the SDK's own poller followed Azure-AsyncOperation


def test_sdk_vms_are_throttled_and_retried_after_retry_after(live, version):
    _, _, result, _, _ = version
    watch = Watch()
    c = _client(live, watch)
    before = dict(live.server.door.refused)

    def create(i):
        vm = m.VirtualMachine(
            location="westeurope",
            properties=m.VirtualMachineProperties(
                hardware_profile=m.HardwareProfile(vm_size="Standard_D2s_v5"),
                storage_profile=m.StorageProfile(image_reference=m.ImageReference(id=result.id)),
                os_profile=m.OSProfile(
                    computer_name=f"web{i}", admin_username="azureuser", admin_password=SECRET
                ),
                network_profile=m.NetworkProfile(
                    network_interfaces=[
                        m.NetworkInterfaceReference(
                            id=f"/subscriptions/{SUB}/resourceGroups/rg-class/providers/"
                            f"Microsoft.Network/networkInterfaces/web{i}-nic"
                        )
                    ]
                ),
            ),
        )
        # no poller per VM: 200 pollers at once would spend ARM's read bucket (25 a second) and
        # some would run out of retries; the class lists the VMs instead (below)
        return c.virtual_machines.begin_create_or_update("rg-class", f"web{i}", vm, polling=False)

    with ThreadPoolExecutor(WORKERS) as pool:
        accepted = [p.result() for p in pool.map(create, range(VMS))]
    assert {v.properties.provisioning_state for v in accepted} == {"Creating"}
    deadline = time.monotonic() + 120
    while True:
        states = [v.properties.provisioning_state for v in c.virtual_machines.list("rg-class")]
        if states.count("Succeeded") == VMS or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert states.count("Succeeded") == VMS
    assert watch.codes.get(201) == VMS  # every VM was accepted once, in the end
    refused = live.server.door.refused["arm"] - before["arm"]
    assert refused > 0 and watch.codes.get(429) == refused  # the client saw each 429 we sent
    assert watch.gaps and all(waited >= after - 0.05 for waited, after in watch.gaps)
    vm_puts = [r for r in live.server.trace.recent if "/virtualMachines/" in r["path"]]
    assert any(r["status"] == 429 and r["code"] == "SubscriptionRequestsThrottled" for r in vm_puts)
    # the admin password reached the server and went nowhere
    assert SECRET not in repr(c.virtual_machines.get("rg-class", "web0").as_dict())
    assert SECRET not in repr(vars(live.server.world.vms[(SUB, "rg-class", "web0")]))


def test_sdk_creates_a_scale_set_and_polls_it_to_completion(live, version):
    """A scale set of 45 instances (three batches of the model's 20) from the version, created
    with the SDK's own poller; its instance view counts every instance as it is built."""
    _, _, result, _, _ = version
    c = _client(live)
    p = live.server.world.m.params
    poller = c.virtual_machine_scale_sets.begin_create_or_update(
        "rg-class",
        "web-set",
        m.VirtualMachineScaleSet(
            location="westeurope",
            sku=m.Sku(name="Standard_D2s_v5", tier="Standard", capacity=45),
            properties=m.VirtualMachineScaleSetProperties(
                upgrade_policy=m.UpgradePolicy(mode="Manual"),
                virtual_machine_profile=m.VirtualMachineScaleSetVMProfile(
                    storage_profile=m.VirtualMachineScaleSetStorageProfile(
                        image_reference=m.ImageReference(id=result.id)
                    ),
                    os_profile=m.VirtualMachineScaleSetOSProfile(
                        computer_name_prefix="web",
                        admin_username="azureuser",
                        admin_password=SECRET,
                    ),
                ),
            ),
        ),
    )
    assert not poller.done()
    seen = []
    while not poller.done():
        view = c.virtual_machine_scale_sets.get_instance_view("rg-class", "web-set")
        counts = {s.code: s.count for s in view.virtual_machine.statuses_summary}
        assert sum(counts.values()) == 45
        seen.append(counts.get("ProvisioningState/succeeded", 0))
        poller.wait(0.2)
    vmss = poller.result()
    assert vmss.properties.provisioning_state == "Succeeded"
    assert vmss.sku.capacity == 45
    assert seen == sorted(seen) and seen[0] < 45  # built over time, never unbuilt
    listed = c.virtual_machine_scale_sets.list("rg-class")
    assert [s.name for s in listed] == ["web-set"]
    final = c.virtual_machine_scale_sets.get_instance_view("rg-class", "web-set")
    assert [(s.code, s.count) for s in final.virtual_machine.statuses_summary] == [
        ("ProvisioningState/succeeded", 45)
    ]
    # three batches (vmss_batch 20), each waiting for the last one's disks: longer than one disk
    rec = live.server.world.scale_sets[(SUB, "rg-class", "web-set")]
    ttr = max(live.server.world.m.rec.waves[rec.source].ttr)
    copy = live.server.world.m.gallery.versions["classgallery/ubuntu-web/1.0.0"]
    assert -(-45 // p.vmss_batch) == 3 and ttr > copy.copies["westeurope"].disk_s
    assert SECRET not in repr(vars(rec))


def test_sdk_shares_the_gallery_with_another_subscription(live, version):
    """gallery_sharing_profile.begin_update adds a subscription to a Groups gallery: that
    subscription's VM from the shared image is refused before and accepted after."""
    *_, c = version
    other_sub = "99999999-2222-3333-4444-555555555555"
    other = ComputeManagementClient(
        StaticToken(),
        other_sub,
        base_url=live.url,
        credential_scopes=["https://management.azure.com/.default"],
        connection_verify=str(live.cert),
    )
    c.galleries.begin_create_or_update(
        "rg-class",
        "classgallery",
        m.Gallery(location="eastus", sharing_profile=m.SharingProfile(permissions="Groups")),
    ).result()
    unique = c.galleries.get("rg-class", "classgallery").identifier.unique_name
    image = m.ImageReference(
        shared_gallery_image_id=f"/SharedGalleries/{unique}/Images/ubuntu-web/Versions/1.0.0"
    )
    vm = m.VirtualMachine(
        location="westeurope",
        properties=m.VirtualMachineProperties(
            storage_profile=m.StorageProfile(image_reference=image)
        ),
    )
    with pytest.raises(HttpResponseError) as refused:
        other.virtual_machines.begin_create_or_update("rg-app", "before", vm, polling=False)
    assert refused.value.status_code == 403
    update = c.gallery_sharing_profile.begin_update(
        "rg-class",
        "classgallery",
        m.SharingUpdate(
            operation_type="Add",
            groups=[m.SharingProfileGroup(type="Subscriptions", ids=[other_sub])],
        ),
    ).result()
    assert update.operation_type == "Add" and update.groups[0].ids == [other_sub]
    groups = c.galleries.get("rg-class", "classgallery").sharing_profile.groups
    assert [(g.type, g.ids) for g in groups] == [("Subscriptions", [other_sub])]
    made = other.virtual_machines.begin_create_or_update("rg-app", "after", vm, polling=False)
    assert made.result().properties.provisioning_state == "Creating"
    c.gallery_sharing_profile.begin_update(
        "rg-class", "classgallery", m.SharingUpdate(operation_type="Reset")
    ).result()
    assert c.galleries.get("rg-class", "classgallery").sharing_profile.permissions == "Private"


def test_report_renders_the_sdk_trace(live, version, tmp_path):
    """`acgsim report` on the state folder the SDK's requests were logged into: the 429s the
    server sent, the SDK as the client, the version's operation polled to Succeeded."""
    from typer.testing import CliRunner

    from acgsim.cli import app

    live.server.trace._file.flush()
    folder = live.server.trace.path.parent
    result = CliRunner().invoke(app, ["report", str(folder), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    refused = sum(live.server.door.refused.values())
    assert f"{refused:,} throttled (429)" in out
    throttled = out.split("429s and Retry-After")[1].split("Long-running")[0]
    windows = [line.split() for line in throttled.splitlines() if " - " in line]
    assert windows and sum(int(w[4]) for w in windows) == refused  # the 429s column
    assert "azsdk-python-mgmt-compute" in out
    version_row = next(line for line in out.splitlines() if "classgallery/ubuntu-web/1.0.0" in line)
    assert "Succeeded" in version_row
    assert "SubscriptionRequestsThrottled" in (tmp_path / "r" / "report.html").read_text()
