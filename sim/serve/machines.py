"""Virtual machines and scale sets on the model: what Azure checks when the PUT arrives (access,
the image in the region), then sim.deployment's processes (a VM: a replica slot, the OS disk, the
boot; a scale set: one VMSS PUT, its instances in batches of `vmss_batch` from one replica), on
the server's simulation clock. Their provisioningState is read from the model's requests.
"""

from __future__ import annotations

from acgsim.sim.errors import RUNTIME
from acgsim.sim.model import Simulation
from acgsim.sim.serve.records import VmRec
from acgsim.sim.serve.resources import ArmError, stable_uuid
from acgsim.sim.streams import durations

MAX_VMS = 20_000  # virtual machines on one server


class Machines:
    """The World's VMs and scale sets (a mixin of sim.serve.world.World)."""

    m: Simulation
    vms: dict

    # --- virtual machines -----------------------------------------------------------------

    def resolve_image(self, ref: str, region: str, subscription: str) -> None:
        """What Azure checks when the VM PUT arrives: access, then the image in the region."""
        error = self.m.gallery.access(subscription, ref)
        if error is None:
            _, error = self.m.gallery.resolve(ref, region)
        if error is not None:
            raise runtime_error(error, ref, region, subscription)

    def add_vm(self, rec_args: dict, ref: str, subscription: str) -> VmRec:
        """Create a VM now: a replica slot, the disk, the boot, as sim.deployment.vm does."""
        from acgsim.sim.deployment import Client, vm

        if len(self.vms) >= MAX_VMS:
            raise ArmError(409, "OperationNotAllowed", f"acgsim serve holds {MAX_VMS} VMs")
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
        self.vms[(rec.sub_id.lower(), rec.rg.lower(), rec.name.lower())] = rec
        return rec

    def vm_state(self, rec: VmRec) -> str:
        return {"succeeded": "Succeeded", "failed": "Failed"}.get(rec.request.outcome, "Creating")

    def vm_error(self, rec: VmRec) -> ArmError | None:
        req = rec.request
        if req.outcome != "failed":
            return None
        return runtime_error(req.error, rec.image, rec.location, req.subscription)


def runtime_error(key: str, ref: str, region: str, subscription: str) -> ArmError:
    """A model's run-time error (sim.errors.RUNTIME) as ARM's error."""
    e = RUNTIME[key]
    text = e.message.format(image=ref, region=region, tenant="", subscription=subscription)
    return ArmError(e.status, e.code or key, text)
