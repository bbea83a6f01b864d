import { element, type XmlElement } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject, Reference } from './parsed-object.js';
import type { TokenStream } from './token-stream.js';
import { isId } from './values.js';

/**
 * `fencing_topology [<target>:] <dev>[,<dev>…] …` — levels in order per target;
 * a target is `node:`, `attr:name=value` or `pattern:regex`. Levels before any
 * target apply to every node (target-pattern `.*`).
 */
export function parseFencingTopology(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('fencing_topology');
  const levels: XmlElement[] = [];
  const references: Reference[] = [];
  let target: Record<string, string> = { 'target-pattern': '.*' };
  let index = 0;
  while (!ts.atEnd()) {
    const token = ts.next('a fencing target (node:) or stonith devices');
    if (token.text.endsWith(':') || token.text.startsWith('attr:') || token.text.startsWith('pattern:')) {
      const spec = token.text.endsWith(':') ? token.text.slice(0, -1) : token.text;
      if (spec.startsWith('attr:')) {
        const [name, value] = spec.slice(5).split('=', 2);
        if (!name || value === undefined) throw ts.unexpected(token, 'attr:<name>=<value>:');
        target = { 'target-attribute': name, 'target-value': value };
      } else if (spec.startsWith('pattern:')) target = { 'target-pattern': spec.slice(8) };
      else target = { target: spec };
      index = 0;
      continue;
    }
    const devices = token.text.split(',');
    for (const device of devices) {
      if (!isId(device)) throw ts.unexpected(token, 'stonith resource ids separated by commas');
      references.push({ id: device, location: ts.location(token) });
    }
    index += 1;
    levels.push(element('fencing-level', { id: ids.allocate('fencing'), ...target, index: String(index), devices: devices.join(',') }));
  }
  if (levels.length === 0) throw ts.error(undefined, 'expected stonith devices after fencing_topology');
  return { section: 'fencing-topology', element: element('fencing-topology', {}, levels), location: ts.location(keyword), references, members: [] };
}
