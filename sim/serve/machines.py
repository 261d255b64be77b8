"""Virtual machines and scale sets on the model: what Azure checks when the PUT arrives (access,
the image in the region), then sim.deployment's processes (a VM: a replica slot, the OS disk, the
boot; a scale set: one VMSS PUT, its instances in batches of `vmss_batch` from one replica), on
the server's simulation clock. Their provisioningState is read from the model's requests.
"""

from __future__ import annotations

from acgsim.sim import catalog
from acgsim.sim.model import Simulation
from acgsim.sim.serve.records import ScaleSetRec, VmRec
from acgsim.sim.serve.resources import ArmError, stable_uuid
from acgsim.sim.service_errors import RUNTIME
from acgsim.sim.streams import durations

MAX_VMS = 20_000  # virtual machines and scale-set instances held on one server at once
MAX_CREATED = 500_000  # created over the server's life (deleted ones ran in the model too)
MAX_SCALE_SETS = 2_000  # scale sets held at once (a set of 0 instances holds none)


class Machines:
    """The World's VMs and scale sets (a mixin of sim.serve.world.World)."""

    m: Simulation
    vms: dict
    scale_sets: dict
    set_count: int
    created: int

    # --- virtual machines -----------------------------------------------------------------

    def resolve_image(
        self, ref: str, region: str, subscription: str, flexible: bool = False
    ) -> None:
        """What Azure checks when the PUT arrives: access (a Flexible scale set may not use
        another tenant's image), then the image in the region."""
        error = self.m.gallery.access(subscription, ref, flexible)
        if error is None:
            _, error = self.m.gallery.resolve(ref, region)
        if error is not None:
            raise runtime_error(error, ref, region, subscription)

    def add_vm(self, rec_args: dict, ref: str, subscription: str) -> VmRec:
        """Create a VM now: a replica slot, the disk, the boot, as sim.deployment.vm does."""
        from acgsim.sim.deployment import Client, vm

        self._room(1)
        m = self.m
        name = f"serve/vm/{rec_args['sub_id']}/{rec_args['rg']}/{rec_args['name']}".lower()
        req = m.rec.open("vm", "serve", rec_args["location"], subscription, ref, m.env.now, "serve")
        rng = m.streams.rng(name)
        disk, boot = m.params.disk, m.params.boot
        factor = float(durations(rng, disk.dist, 1.0, disk.cv, 1)[0])
        boot_s = float(durations(rng, boot.dist, boot.mean, boot.cv, 1)[0])
        # the real client retries 429s itself, at the front door: the model's default client only
        # sees a request the server has already accepted (its deadline is the model's)
        m.env.process(vm(m, req, factor, boot_s, Client(m, None)))
        rec = VmRec(image=ref, request=req, vm_id=stable_uuid(name), **rec_args)
        self.vms[rec.key] = rec
        return rec

    def vm_state(self, rec: VmRec) -> str:
        return {"succeeded": "Succeeded", "failed": "Failed"}.get(rec.request.outcome, "Creating")

    def vm_error(self, rec: VmRec) -> ArmError | None:
        req = rec.request
        if req.outcome != "failed":
            return None
        return runtime_error(req.error, rec.image, rec.location, req.subscription)

    def _room(self, more: int, scale_set: bool = False) -> None:
        """Bounded memory: refuse past MAX_VMS held, MAX_CREATED ever, MAX_SCALE_SETS."""
        if self.created + more > MAX_CREATED or (
            scale_set and len(self.scale_sets) >= MAX_SCALE_SETS
        ):
            raise ArmError(
                409,
                "OperationNotAllowed",
                f"acgsim serve creates at most {MAX_CREATED:,} VMs and instances in its life and "
                f"holds {MAX_SCALE_SETS:,} scale sets: start a new server",
            )
        held = len(self.vms) + sum(s.capacity for s in self.scale_sets.values())
        if held + more > MAX_VMS:
            raise ArmError(
                409,
                "OperationNotAllowed",
                f"acgsim serve holds at most {MAX_VMS:,} VMs and scale-set instances "
                f"({held:,} now); delete some first",
            )
        self.created += more

    # --- scale sets ---------------------------------------------------------------------

    def add_scale_set(self, rec_args: dict, ref: str, subscription: str) -> ScaleSetRec:
        """Create a scale set now, as sim.deployment.scale_set does: its PUT accepted, its
        instances in batches of vmss_batch, all from the one replica the set is given."""
        from acgsim.sim.deployment import scale_set
        from acgsim.sim.workload import ScaleSetWave

        capacity = rec_args["capacity"]
        self._room(capacity, scale_set=True)
        m = self.m
        key = f"{rec_args['sub_id']}/{rec_args['rg']}/{rec_args['name']}".lower()
        self.set_count += 1
        source = f"serve/vmss/{self.set_count}"
        rec = ScaleSetRec(
            source=source, submitted=m.env.now, vmss_id=stable_uuid("vmss", key), **rec_args
        )
        if capacity:
            wave = ScaleSetWave(
                region=rec.location,
                subscription=subscription,
                image=ref,
                instances=capacity,
                orchestration=rec.orchestration,
            )
            rng = m.streams.rng(f"serve/vmss/{key}")
            disk, boot = m.params.disk, m.params.boot
            factors = durations(rng, disk.dist, 1.0, disk.cv, capacity)
            boots = durations(rng, boot.dist, boot.mean, boot.cv, capacity)
            m.env.process(scale_set(m, wave, f"vmss/{key}", source, factors, boots))
        self.scale_sets[rec.key] = rec
        return rec

    def instance_states(self, rec: ScaleSetRec) -> dict[str, int]:
        """The set's instances by provisioning state now: Creating, Succeeded, Failed."""
        w = self.m.rec.waves.get(rec.source)
        done = failed = 0
        if w is not None:
            failed = sum(w.failed.values())
            done = w.succeeded
        counts = {"Creating": rec.capacity - done - failed, "Succeeded": done, "Failed": failed}
        return {k: v for k, v in counts.items() if v}

    def scale_set_state(self, rec: ScaleSetRec) -> str:
        """Creating until every instance has ended; then Failed if any failed, else Succeeded."""
        counts = self.instance_states(rec)
        if counts.get("Creating"):
            return "Creating"
        return "Failed" if counts.get("Failed") else "Succeeded"

    def scale_set_error(self, rec: ScaleSetRec) -> ArmError | None:
        w = self.m.rec.waves.get(rec.source)
        if w is None or not w.failed or self.scale_set_state(rec) != "Failed":
            return None
        key = max(sorted(w.failed), key=lambda k: w.failed[k])  # the commonest error
        error = runtime_error(key, rec.image, rec.location, "")
        error.message = f"{w.failed[key]} of {rec.capacity} instances failed: {error.message}"
        return error

    def scale_set_expected(self, rec: ScaleSetRec) -> float:
        """Simulated seconds a set's build should take at the model's means (a polling hint)."""
        p = self.m.params
        batches = -(-rec.capacity // p.vmss_batch) if rec.capacity else 0
        return batches * p.disk.base + p.boot.mean


def vmss_limit() -> int:
    """Instances a scale set from a gallery image may hold [ACG]."""
    return catalog.LIMITS["vmss_instances"].value


def runtime_error(key: str, ref: str, region: str, subscription: str) -> ArmError:
    """A model's run-time error (sim.service_errors.RUNTIME) as ARM's error."""
    e = RUNTIME[key]
    text = e.message.format(image=ref, region=region, tenant="", subscription=subscription)
    return ArmError(e.status, e.code or key, text)
