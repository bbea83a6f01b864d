import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DaemonConfigError, loadConfig, parseConfigText } from '../../daemon/config.js';

describe('vigild config file', () => {
  it('reads the documented example', () => {
    const c = parseConfigText(readFileSync('config/vigild.conf', 'utf8'), 'config/vigild.conf');
    expect(c.node).toBe('node1');
    expect(c.etcdEndpoints).toHaveLength(3);
    expect(c.leaseTtlS).toBe(2);
    expect(c.watchdogDevice).toBe('');
  });

  it.each([
    ['lease_ttl = two', 'f.conf:2: lease_ttl: expected a whole number'],
    ['colour = blue', "f.conf:2: unknown setting 'colour'"],
    ['just words', "f.conf:2: expected 'key = value'"],
    ['etcd_endpoints = 10.0.0.1:2379', 'f.conf:2: etcd_endpoints: expected a URL'],
    ['log_level = loud', 'f.conf:2: log_level: expected one of'],
    ['node = bad name', 'f.conf:2: node: node names are'],
  ])('rejects %j naming file and line', (line, message) => {
    expect(() => parseConfigText(`# comment\n${line}\n`, 'f.conf')).toThrow(DaemonConfigError);
    expect(() => parseConfigText(`# comment\n${line}\n`, 'f.conf')).toThrow(message);
  });

  it('rejects a fencing budget that does not fit in the lease TTL', () => {
    expect(() => parseConfigText('lease_ttl = 1\nfencing_margin_ms = 500\nself_fence_stop_budget_ms = 600\n', 'f.conf')).toThrow(/must be below lease_ttl/);
  });

  it('applies command-line overrides after the file', () => {
    const c = loadConfig(['--config', 'config/vigild.conf', '--node', 'node7', '--log-level=debug']);
    expect([c.node, c.logLevel, c.leaseTtlS]).toEqual(['node7', 'debug', 2]);
    expect(() => loadConfig(['--node'])).toThrow('--node needs a value');
    expect(() => loadConfig(['--config', '/nonexistent/vigild.conf'])).toThrow(/cannot read config file/);
  });
});
