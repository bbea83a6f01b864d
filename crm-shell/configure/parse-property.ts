import { element } from '../../daemon/cib/xml.js';
import { checkValues } from './attribute-values.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject, Section } from './parsed-object.js';
import type { TokenStream } from './token-stream.js';
import { nvPairs, parseAttrList, splitNameValue } from './values.js';

/** Where each keyword's pairs go and the set id Pacemaker's tools use for it. */
const KINDS: Record<string, { section: Section; set: string; setId: string; scope: 'property' | 'rsc_defaults' | 'op_defaults' }> = {
  property: { section: 'crm_config', set: 'cluster_property_set', setId: 'cib-bootstrap-options', scope: 'property' },
  rsc_defaults: { section: 'rsc_defaults', set: 'meta_attributes', setId: 'rsc-options', scope: 'rsc_defaults' },
  op_defaults: { section: 'op_defaults', set: 'meta_attributes', setId: 'op-options', scope: 'op_defaults' },
};

/** `property [$id=<set>|<set>:] name=value…`, likewise rsc_defaults and op_defaults; statements with the same set merge. */
export function parseProperty(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('property, rsc_defaults or op_defaults');
  const kind = KINDS[keyword.text.toLowerCase()];
  let setId = kind.setId;
  const head = ts.peek();
  if (head && !splitNameValue(head) && head.text.endsWith(':')) {
    ts.next('set id');
    setId = head.text.slice(0, -1);
  }
  const pairs = parseAttrList(ts);
  const explicit = pairs.find((p) => p.name === '$id');
  if (explicit) setId = explicit.value;
  const named = pairs.filter((p) => p.name !== '$id');
  if (named.length === 0) throw ts.error(ts.peek(), `expected name=value after ${keyword.text}`);
  if (!ts.atEnd()) throw ts.unexpected(ts.peek()!, 'name=value');
  checkValues(ts, kind.scope, named);
  // The set id is fixed, not allocated: later statements for the same set merge into it.
  const set = element(kind.set, { id: setId }, nvPairs(setId, named, ids));
  return { section: kind.section, element: set, location: ts.location(keyword), references: [], members: [] };
}
