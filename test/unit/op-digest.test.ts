import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { operationDigest, ParameterDigests } from '../../daemon/cib/op-digest.js';

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

  it('escapes values as XML attributes, and a recurring timeout replaces a CRM_meta_timeout parameter', () => {
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    expect(operationDigest({ b: 'x&<y>"z', a: '1' })).toBe(md5(' <parameters a="1" b="x&amp;&lt;y&gt;&quot;z"/>\n'));
    expect(operationDigest({ CRM_meta_timeout: '5', z: '1' }, 20_000)).toBe(md5(' <parameters CRM_meta_timeout="20000" z="1"/>\n'));
  });

  it('ParameterDigests gives the same digests as operationDigest for each timeout, the timeout sorted among the names', () => {
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const mixed = { zeta: '1', CRM_meta_a: '2', alpha: '3' };
    const digests = new ParameterDigests(mixed);
    expect(digests.digest(15_000)).toBe(md5(' <parameters CRM_meta_a="2" CRM_meta_timeout="15000" alpha="3" zeta="1"/>\n'));
    expect(digests.digest()).toBe(operationDigest(mixed));
    expect(digests.digest(30_000)).toBe(operationDigest(mixed, 30_000));
    expect(digests.digest(15_000)).toBe(operationDigest(mixed, 15_000));
    expect(new ParameterDigests({ CRM_meta_timeout: '5', z: '1' }).digest(20_000)).toBe(operationDigest({ CRM_meta_timeout: '5', z: '1' }, 20_000));
  });
});
