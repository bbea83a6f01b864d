import { describe, expect, it } from 'vitest';
import { element } from '../../daemon/cib/xml.js';
import { configurationDiff, diffLines, sameConfiguration } from '../../crm-shell/config-diff.js';
import { configurationFromCrm } from '../../crm-shell/configuration-file.js';

describe('configuration diff', () => {
  it('shows removed lines before the lines that replace them, and nothing for equal text', () => {
    expect(diffLines('a\nb\nc\n', 'a\nB\nc\nd\n')).toBe('- b\n+ B\n+ d\n');
    expect(diffLines('x\ny\n', 'x\ny\n')).toBe('');
    expect(diffLines('', 'new\n')).toBe('+ new\n');
  });

  it('compares configurations regardless of attribute order', () => {
    const a = element('configuration', {}, [element('nodes', {}, [element('node', { id: 'n1', uname: 'n1' })])]);
    const b = element('configuration', {}, [element('nodes', {}, [element('node', { uname: 'n1', id: 'n1' })])]);
    expect(sameConfiguration(a, b)).toBe(true);
    b.children[0].children[0].attrs.type = 'member';
    expect(sameConfiguration(a, b)).toBe(false);
  });

  it('shows a changed multi-line statement whole, so the reader sees which object changed', () => {
    const before = configurationFromCrm('primitive a Dummy meta target-role=Stopped op monitor interval=10s\nprimitive b Dummy');
    const after = configurationFromCrm('primitive a Dummy op monitor interval=10s\nprimitive b Dummy');
    expect(configurationDiff(before, after)).toBe(
      '- primitive a ocf:heartbeat:Dummy \\\n-     meta target-role=Stopped \\\n-     op monitor interval=10s\n' +
        '+ primitive a ocf:heartbeat:Dummy \\\n+     op monitor interval=10s\n',
    );
  });

  it('diffs in crm syntax', () => {
    const before = configurationFromCrm('primitive a Dummy\nlocation l a 100: n1');
    const after = configurationFromCrm('primitive a Dummy\nlocation l a 200: n1');
    expect(configurationDiff(before, after)).toBe('- location l a 100: n1\n+ location l a 200: n1\n');
  });
});
