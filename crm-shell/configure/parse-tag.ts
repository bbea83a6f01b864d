import { element } from '../../daemon/cib/xml.js';
import type { IdAllocator } from './id-allocator.js';
import type { ParsedObject, Reference } from './parsed-object.js';
import type { TokenStream } from './token-stream.js';
import { isId } from './values.js';

/** `tag <id>[:] <rsc> [<rsc>…]` — a name constraints can use for several resources. */
export function parseTag(ts: TokenStream, ids: IdAllocator): ParsedObject {
  const keyword = ts.next('tag');
  const idToken = ts.next('tag id');
  const id = idToken.text.endsWith(':') ? idToken.text.slice(0, -1) : idToken.text;
  if (!isId(id)) throw ts.unexpected(idToken, 'a tag id');
  ids.claim(id);
  const references: Reference[] = [];
  while (!ts.atEnd()) {
    const token = ts.next('a resource id');
    if (!isId(token.text)) throw ts.unexpected(token, 'a resource id');
    references.push({ id: token.text, location: ts.location(token) });
  }
  if (references.length === 0) throw ts.error(undefined, `expected the resources tag '${id}' names`);
  const tag = element('tag', { id }, references.map((r) => element('obj_ref', { id: r.id })));
  return { section: 'tags', element: tag, location: ts.location(keyword), references, members: [] };
}
