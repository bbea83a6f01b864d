import { describe, expect, it } from 'vitest';
import { operationDigest } from '../../daemon/cib/op-digest.js';

// Expected values are digests recorded in CIBs that crm_simulate 2.1.5 accepts without
// scheduling "restart due to resource definition change".
describe('operationDigest', () => {
  const params = { config: '/etc/libvirt/qemu/vm-00001.xml', hypervisor: 'qemu:///system', migration_transport: 'ssh' };

  it('hashes the sorted instance attributes of a one-shot operation', () => {
    expect(operationDigest(params)).toBe('d30ace82f548a2ee053bc18063527564');
  });

  it('adds CRM_meta_timeout for recurring operations', () => {
    expect(operationDigest(params, 30_000)).toBe('a9e1c7c6b45c512f9636abe42f503467');
  });

  it('does not depend on attribute order but on every value', () => {
    const reversed = { migration_transport: 'ssh', hypervisor: 'qemu:///system', config: params.config };
    expect(operationDigest(reversed)).toBe(operationDigest(params));
    expect(operationDigest({ ...params, hypervisor: 'qemu:///session' })).not.toBe(operationDigest(params));
  });
});
