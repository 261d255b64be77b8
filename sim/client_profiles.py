"""The deploying clients' behaviour, assumed from their published defaults: how azure-cli, the
Python SDK, Terraform and an ARM template deployment retry a create, poll it and how long they
wait for it (ClientPolicy), the named profiles a wave picks with `client:`, and the policy of
waves that name none (Retry, with the service's shortest Retry-After). sim.client plays them.
"""

from __future__ import annotations

from pydantic import Field

from acgsim.sim.fields import StrictModel
from acgsim.sim.units import Duration


class ClientPolicy(StrictModel):
    """How a deploying client (azure-cli, an SDK, Terraform, an ARM deployment) retries a create
    and how long it waits for one. Defaults: azure-cli / the Python SDK (azure-core)."""

    max_retries: int | None = Field(
        10,
        ge=0,
        description=(
            "retries before giving up (azure-core RetryPolicy retry_total=10); null: HTTP 429 is "
            "retried without count, as Terraform's azurerm does, and other failures up to "
            "failure_retries times"
        ),
    )
    failure_retries: int | None = Field(
        None,
        ge=0,
        description=(
            "retries after a failure that is not a 429 (a region down, a lost replica); null: "
            "max_retries counts them too, as azure-core's retry_total counts every retry"
        ),
    )
    honour_retry_after: bool = Field(True, description="wait the Retry-After the service gave")
    backoff_base: Duration = Field(
        0.8, description="exponential backoff factor; azure-core retry_backoff_factor=0.8"
    )
    backoff_max: Duration = Field(
        120.0, description="backoff ceiling; azure-core retry_backoff_max=120 s"
    )
    deadline: Duration | None = Field(
        None,
        description=(
            "the client stops waiting for a VM this long after sending it and reports a failure "
            "(ClientTimedOut) although Azure carries on; null: it waits as long as it takes "
            "(azure-core's LRO poller has no overall timeout)"
        ),
    )
    scale_set_deadline: Duration | None = Field(
        None, description="the same for a scale set, from its PUT; null: no deadline"
    )
    concurrency: int | None = Field(
        None,
        ge=1,
        description=(
            "creates the client runs at once when the wave gives no `concurrency`; null: all "
            "at once (a script that sends them in parallel)"
        ),
    )
    poll_interval: Duration | None = Field(
        30.0,
        description=(
            "the client polls its create's status through ARM (an ARM read) every this long, "
            "or every Retry-After the service sent; 30 s: azure-cli's az vm create deploys a "
            "template (vm_deploy_...) and polls the deployment at azure-mgmt-resource's "
            "polling_interval 30 s, ARM deployments assumed to send no Retry-After; null: the "
            "client polls nothing per VM"
        ),
    )
    arm_charged_per_retry: bool = Field(
        True,
        description=(
            "each retry is a new HTTP request through Azure Resource Manager and takes an ARM "
            "write token again [ARM: every request counts]; false where the retries happen "
            "behind ARM (a template deployment's engine)"
        ),
    )


class Retry(ClientPolicy):
    """The policy of waves that name no `client` (azure-cli's, the most common: every gallery
    how-to in Azure's docs uses it), and the shortest Retry-After the service sends."""

    min_retry_after: Duration = Field(
        6.0,
        description=(
            "shortest Retry-After the compute RP and ARM send on HTTP 429, for every client; "
            "assumed 6 s: the shortest Azure has been seen to send for a Microsoft.Compute "
            "operation ('Please try again after 6 seconds', azure-docs issue 105248); its "
            "documented 429 sample sends 1,200 s for a 30-minute window [TTE]. acgsim otherwise "
            "sends the time to the bucket's next token"
        ),
    )


def _client(**fields) -> ClientPolicy:
    return ClientPolicy(**fields)


class ClientProfiles(StrictModel):
    """The named client profiles a wave chooses with `client:` (hyphenated names)."""

    azure_cli: ClientPolicy = Field(
        default_factory=ClientPolicy,
        description=(
            "azure-cli: azure-core's RetryPolicy (retry_total 10, backoff 0.8 s doubling up to "
            "120 s, Retry-After honoured); no overall deadline"
        ),
    )
    python_sdk: ClientPolicy = Field(
        default_factory=lambda: _client(poll_interval=10.0),
        description=(
            "python-sdk (azure-mgmt-compute): the same azure-core RetryPolicy as azure-cli; it "
            "polls the compute operation (Azure-AsyncOperation) every Retry-After, 10 s as the "
            "compute RP sends it on a VM create (azure-powershell issue 15117), its own default "
            "being 30 s (polling_interval)"
        ),
    )
    terraform: ClientPolicy = Field(
        default_factory=lambda: _client(
            max_retries=None,
            failure_retries=3,
            backoff_base=30.0,
            backoff_max=30.0,
            deadline=45 * 60.0,
            scale_set_deadline=60 * 60.0,
            concurrency=10,
            poll_interval=10.0,
        ),
        description=(
            "terraform (azurerm): polls the compute operation every Retry-After (10 s, as "
            "python-sdk; assumed: go-azure-sdk's pollers honour Retry-After); "
            "429 retried without count, honouring Retry-After (azurerm "
            "sets autorest.Count429AsRetry=false); other failures 3 attempts 30 s apart "
            "(go-autorest DefaultRetryAttempts 3, DefaultRetryDuration 30 s); create timeouts "
            "45 min for a VM and 60 min for a scale set (azurerm docs, Timeouts); 10 resources "
            "at once (terraform apply -parallelism default 10)"
        ),
    )
    arm_template: ClientPolicy = Field(
        default_factory=lambda: _client(
            max_retries=None, failure_retries=3, arm_charged_per_retry=False, poll_interval=None
        ),
        description=(
            "arm-template (a template deployment: az deployment group create): ARM's deployment "
            "engine sends the resource PUTs and retries a 429 honouring Retry-After; assumed "
            "without count and without an overall deadline, 3 retries of other failures, and "
            "the retries charged behind ARM's front door, not to the caller's write bucket "
            "(ARM documents neither); the caller polls its one deployment, nothing per VM"
        ),
    )

    def get(self, name: str) -> ClientPolicy | None:
        """The profile named `name` ("azure-cli", "terraform", ...), or None."""
        return getattr(self, name.replace("-", "_"), None) if name in CLIENT_NAMES else None


CLIENT_NAMES = ("azure-cli", "python-sdk", "terraform", "arm-template")
DEFAULT_CLIENT = "azure-cli"  # the most common: Azure's gallery how-tos all show az commands
