import type { IdAllocator } from './id-allocator.js';
import { tokenize } from './lexer.js';
import type { ParsedObject } from './parsed-object.js';
import { parseColocation } from './parse-colocation.js';
import { parseContainer } from './parse-container.js';
import { parseFencingTopology } from './parse-fencing-topology.js';
import { parseLocation } from './parse-location.js';
import { parseNode } from './parse-node.js';
import { parseOrder } from './parse-order.js';
import { parsePrimitive } from './parse-primitive.js';
import { parseProperty } from './parse-property.js';
import { parseTag } from './parse-tag.js';
import { parseTicket } from './parse-ticket.js';
import { TokenStream } from './token-stream.js';

type StatementParser = (ts: TokenStream, ids: IdAllocator) => ParsedObject;

/** Statement keywords of `crm configure`, as accepted in files and at the configure prompt. */
export const STATEMENT_PARSERS: Record<string, StatementParser> = {
  node: parseNode,
  primitive: parsePrimitive,
  group: parseContainer,
  clone: parseContainer,
  ms: parseContainer,
  location: parseLocation,
  colocation: parseColocation,
  collocation: parseColocation,
  order: parseOrder,
  property: parseProperty,
  rsc_defaults: parseProperty,
  op_defaults: parseProperty,
  rsc_template: parsePrimitive,
  rsc_ticket: parseTicket,
  tag: parseTag,
  fencing_topology: parseFencingTopology,
};

/** Parses crm configure syntax into CIB elements; the first error stops it with file:line:column. */
export function parseCrm(source: string, ids: IdAllocator, file?: string): ParsedObject[] {
  return tokenize(source, file).map((statement) => {
    const ts = new TokenStream(statement);
    const keyword = ts.peek()!;
    const parse = keyword.quoted ? undefined : STATEMENT_PARSERS[keyword.text.toLowerCase()];
    if (!parse) throw ts.unexpected(keyword, `a configure statement (${Object.keys(STATEMENT_PARSERS).filter((k) => k !== 'collocation').join(', ')})`);
    return parse(ts, ids);
  });
}
