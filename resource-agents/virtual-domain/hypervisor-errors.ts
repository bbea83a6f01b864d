import { ResourceFailedError } from '../lib/agent-errors.js';

/** libvirtd did not answer a call in time (hung daemon, dead host): the agent gives up instead of hanging. */
export class HypervisorTimeoutError extends ResourceFailedError {
  override readonly code = 'VD_HYPERVISOR_TIMEOUT';
}

/** The connection to the hypervisor could not be opened. */
export class HypervisorUnreachableError extends ResourceFailedError {
  override readonly code = 'VD_HYPERVISOR_UNREACHABLE';
}

/** libvirt refused or failed a call on the domain (create, shutdown, destroy, migrate). */
export class DomainOperationError extends ResourceFailedError {
  override readonly code = 'VD_DOMAIN_OPERATION';
}

/** The domain already runs on another node's hypervisor: starting it here would run the guest twice. */
export class DomainRunningElsewhereError extends ResourceFailedError {
  override readonly code = 'VD_RUNNING_ELSEWHERE';
}
