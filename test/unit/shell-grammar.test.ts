import { describe, expect, it } from 'vitest';
import { childrenNamed, firstChild, writeXml, type XmlElement } from '../../daemon/cib/xml.js';
import { CrmReferenceError, CrmSyntaxError } from '../../crm-shell/configure/crm-syntax-error.js';
import { allResources, section } from '../../crm-shell/configure/configuration.js';
import { writeCrm } from '../../crm-shell/configure/write-crm.js';
import { configurationFromCrm, configurationFromText } from '../../crm-shell/configuration-file.js';

const parse = (text: string) => configurationFromCrm(text, 'test.crm');
const constraint = (conf: XmlElement, id: string) => section(conf, 'constraints').children.find((c) => c.attrs.id === id)!;
const resource = (conf: XmlElement, id: string) => allResources(conf).find((r) => r.attrs.id === id)!;

function syntaxError(text: string): CrmSyntaxError | CrmReferenceError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof CrmSyntaxError || err instanceof CrmReferenceError) return err;
    throw err;
  }
  throw new Error('expected the input to be rejected');
}

describe('crm configure grammar -> CIB XML', () => {
  it('builds a primitive with crmsh ids for params, meta, utilization and ops', () => {
    const conf = parse(
      'primitive vm1 ocf:heartbeat:VirtualDomain \\\n  params config="/etc/vm 1.xml" \\\n  meta allow-migrate=true \\\n  utilization cpu=2 \\\n  op monitor interval=10s timeout=20s OCF_CHECK_LEVEL=10 \\\n  op start timeout=60s',
    );
    const vm = resource(conf, 'vm1');
    expect(vm.attrs).toEqual({ id: 'vm1', class: 'ocf', provider: 'heartbeat', type: 'VirtualDomain' });
    const params = firstChild(vm, 'instance_attributes')!;
    expect(params.attrs.id).toBe('vm1-instance_attributes');
    expect(params.children[0].attrs).toEqual({ id: 'vm1-instance_attributes-config', name: 'config', value: '/etc/vm 1.xml' });
    expect(firstChild(vm, 'meta_attributes')!.children[0].attrs.id).toBe('vm1-meta_attributes-allow-migrate');
    expect(firstChild(vm, 'utilization')!.attrs.id).toBe('vm1-utilization');
    const ops = childrenNamed(firstChild(vm, 'operations')!, 'op');
    expect(ops.map((o) => o.attrs.id)).toEqual(['vm1-monitor-10s', 'vm1-start-0s']);
    expect(firstChild(ops[0], 'instance_attributes')!.children[0].attrs).toMatchObject({ name: 'OCF_CHECK_LEVEL', value: '10' });
  });

  it('moves group and clone members inside, and ms becomes a promotable clone', () => {
    const conf = parse('primitive a Dummy\nprimitive b Dummy\ngroup g a b meta target-role=Stopped\nclone c g meta interleave=true\nprimitive s ocf:pacemaker:Stateful\nms m s');
    const top = section(conf, 'resources').children.map((r) => `${r.name}:${r.attrs.id}`);
    expect(top).toEqual(['clone:c', 'clone:m']);
    const g = resource(conf, 'g');
    expect(g.children.filter((c) => c.name === 'primitive').map((c) => c.attrs.id)).toEqual(['a', 'b']);
    expect(firstChild(resource(conf, 'm'), 'meta_attributes')!.children[0].attrs).toMatchObject({ name: 'promotable', value: 'true' });
  });

  it('turns location rules into rule/expression elements with types, roles and dates', () => {
    const conf = parse(
      'primitive a Dummy\nlocation l a rule $role=Promoted -inf: not_defined pingd or pingd number:lte 0 rule pingd: defined pingd\nlocation d a rule 5: date date_spec hours=9-17 and #uname ne n3',
    );
    const [r1, r2] = childrenNamed(constraint(conf, 'l'), 'rule');
    expect(r1.attrs).toMatchObject({ id: 'l-rule', score: '-INFINITY', role: 'Promoted', 'boolean-op': 'or' });
    expect(r1.children[1].attrs).toMatchObject({ attribute: 'pingd', operation: 'lte', value: '0', type: 'number' });
    expect(r2.attrs).toMatchObject({ id: 'l-rule-0', 'score-attribute': 'pingd' });
    const date = firstChild(constraint(conf, 'd'), 'rule')!;
    expect(date.children[0].name).toBe('date_expression');
    expect(firstChild(date.children[0], 'date_spec')!.attrs.hours).toBe('9-17');
  });

  it('builds two-resource and set forms of colocation and order', () => {
    const conf = parse('primitive a Dummy\nprimitive b Dummy\nprimitive c Dummy\ncolocation c1 inf: a:Started b\norder o1 Optional: a:start b:stop symmetrical=false\norder o2 inf: a ( b c )\ncolocation c2 -100: [ a b ] c');
    expect(constraint(conf, 'c1').attrs).toEqual({ id: 'c1', score: 'INFINITY', rsc: 'a', 'with-rsc': 'b', 'rsc-role': 'Started' });
    expect(constraint(conf, 'o1').attrs).toMatchObject({ kind: 'Optional', 'first-action': 'start', 'then-action': 'stop', symmetrical: 'false' });
    const sets = childrenNamed(constraint(conf, 'o2'), 'resource_set');
    expect(sets.map((s) => [s.attrs.sequential, s.children.map((r) => r.attrs.id)])).toEqual([[undefined, ['a']], ['false', ['b', 'c']]]);
    expect(childrenNamed(constraint(conf, 'c2'), 'resource_set')[0].attrs['require-all']).toBe('false');
  });

  it('reads templates, tags, tickets and fencing levels', () => {
    const conf = parse(
      'rsc_template t ocf:heartbeat:Dummy meta allow-migrate=true\nprimitive v @t params fake=1\nprimitive st stonith:fence_dummy\n' +
        'tag vms: v\nlocation l vms 10: n1\nrsc_ticket k T1: v:Started loss-policy=stop\nfencing_topology st n2: st',
    );
    expect(section(conf, 'resources').children[0]).toMatchObject({ name: 'template', attrs: { id: 't' } });
    expect(resource(conf, 'v').attrs).toEqual({ id: 'v', template: 't' });
    expect(constraint(conf, 'k').attrs).toEqual({ id: 'k', ticket: 'T1', rsc: 'v', 'rsc-role': 'Started', 'loss-policy': 'stop' });
    const levels = firstChild(conf, 'fencing-topology')!.children.map((l) => l.attrs);
    expect(levels).toEqual([
      { id: 'fencing', 'target-pattern': '.*', index: '1', devices: 'st' },
      { id: 'fencing-0', target: 'n2', index: '1', devices: 'st' },
    ]);
    expect(writeCrm(conf)).toContain('fencing_topology st n2: st\n');
  });

  it('reads comments on their own lines and after a statement, but #uname as a word', () => {
    const conf = parse('# the web server\nprimitive a Dummy # trailing remark\n  # indented comment\nlocation l a rule 10: #uname eq n1');
    expect(resource(conf, 'a').attrs.type).toBe('Dummy');
    expect(firstChild(constraint(conf, 'l'), 'rule')!.children[0].attrs.attribute).toBe('#uname');
  });

  it('merges property statements into one set and reads CIB XML input too', () => {
    const conf = parse('property stonith-enabled=false\nproperty no-quorum-policy=stop\nrsc_defaults resource-stickiness=100');
    const props = section(conf, 'crm_config').children;
    expect(props).toHaveLength(1);
    expect(props[0].children.map((p) => p.attrs.name)).toEqual(['stonith-enabled', 'no-quorum-policy']);
    const fromXml = configurationFromText(`<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0">${writeXml(conf)}<status/></cib>`, 'x.xml');
    expect(writeXml(fromXml)).toBe(writeXml(conf));
  });

  it('round-trips: XML -> crm text -> XML gives the same configuration', () => {
    const text = [
      'node 1: n1 attributes site=a',
      'primitive p ocf:heartbeat:Dummy params fake="a b" meta target-role=Stopped op monitor interval=10s op_params depth=0',
      'primitive q Dummy',
      'primitive r Dummy',
      'group g q r',
      'location l p rule -inf: not_defined pingd or pingd lte 0',
      'location l2 /q.*/ 10: n1',
      'location cli-prefer-p p role=Started rule inf: #uname string:eq n1 and date lt 2030-11-21T21:19:08Z',
      'colocation c inf: p g',
      'order o Mandatory: p ( q r )',
      'property stonith-enabled=false',
      'op_defaults timeout=30s',
    ].join('\n');
    const first = parse(text);
    const again = parse(writeCrm(first));
    expect(writeXml(again)).toBe(writeXml(first));
  });
});

describe('crm configure grammar: errors name the place', () => {
  it.each([
    ['primitive a ocf:heartbeat', '1:13', 'ocf:<provider>:<type>'],
    ['primitive a Dummy\nlocation l a 100 n1', '2:14', 'score followed by a colon'],
    ['primitive a Dummy \\\n  op monitor interval=ten', '2:14', "invalid interval 'ten'"],
    ['primitive a Dummy\norder o Sometimes: a a', '2:9', "invalid order kind 'Sometimes'"],
    ['primitive a Dummy\ncolocation c inf: a:Boss a', '2:19', "invalid role 'Boss'"],
    ['primitive a Dummy\nlocation l a rule -inf: x eq 1 and y eq 2 or z eq 3', '2:43', "cannot mix 'and' and 'or'"],
    ['primitive a Dummy params x="unterminated', '1:28', 'unterminated double quote'],
    ['frobnicate a', '1:1', 'expected a configure statement'],
    ['primitive a Dummy meta target-role=Running', '1:24', "invalid target-role 'Running'"],
    ['property no-quorum-policy=bogus', '1:10', "invalid no-quorum-policy 'bogus'"],
    ['primitive a Dummy op monitor interval=10s on-fail=explode', '1:43', "invalid on-fail 'explode'"],
    ['rsc_defaults resource-stickiness=abc', '1:14', 'expected an integer or INFINITY'],
    ['primitive a Dummy\nlocation l a rule 10: date gt "not a date"', '2:31', "invalid date 'not a date'"],
    // References: the grammar is fine, the object named is not there.
    ['primitive a Dummy\ncolocation c inf: a missing', '2:21', "refers to missing resource 'missing'", CrmReferenceError],
    ['primitive a Dummy\ngroup g a nope', '2:11', "refers to missing resource 'nope'", CrmReferenceError],
    ['primitive a Dummy\nprimitive a Dummy', '2:1', "'a': id already exists", CrmReferenceError],
    ['primitive a Dummy\ngroup g1 a\ngroup g2 a', '3:10', 'already inside another group or clone', CrmReferenceError],
    ['primitive v @nope', '1:13', "primitive 'v' refers to missing rsc_template 'nope'", CrmReferenceError],
    ['primitive v Dummy\ntag t: v w', '2:10', "tag 't' refers to missing resource 'w'", CrmReferenceError],
    ['primitive st stonith:fence_dummy\nfencing_topology n1: st,st9', '2:22', "missing stonith resource 'st9'", CrmReferenceError],
  ])('%j fails at %s', (text, where, message, kind: typeof CrmSyntaxError | typeof CrmReferenceError = CrmSyntaxError) => {
    const err = syntaxError(text);
    expect(err).toBeInstanceOf(kind);
    expect(err.message).toContain(`test.crm:${where}: `);
    expect(err.message).toContain(message);
  });
});
