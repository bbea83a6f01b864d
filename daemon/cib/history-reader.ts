import { CibValidationError } from './errors.js';
import type { XmlAttributes } from './xml-scan.js';
import type { LrmResource } from './model.js';
import { ValuePool } from './value-pool.js';
import {
  NUMBER_ATTRIBUTES, NUMBERS, OperationTable, OpNumber, OpShared, OpText, SHARED, SHARED_ATTRIBUTES, TabledResource, TEXT_ATTRIBUTES, TEXTS,
} from './operation-table.js';

// Attribute codes: 0 for an attribute nothing reads, then one per table column (in the table's order), then
// lrm_resource's own. The lrm_rsc_op id and the lrm_resource id share the code of the Id column.
const TEXT = 1;
const SHARED_CODE = TEXT + TEXTS;
const NUMBER = SHARED_CODE + SHARED;
const CLASS = NUMBER + NUMBERS, PROVIDER = CLASS + 1, TYPE = CLASS + 2, CONTAINER = CLASS + 3;
const CODE_COUNT = CLASS + 4;
const ID = TEXT + OpText.Id;

const CODES = new Map<string, number>([
  ...TEXT_ATTRIBUTES.map((name, field) => [name, TEXT + field] as const),
  ...SHARED_ATTRIBUTES.map((name, field) => [name, SHARED_CODE + field] as const),
  ...NUMBER_ATTRIBUTES.map((name, field) => [name, NUMBER + field] as const),
  ['class', CLASS], ['provider', PROVIDER], ['type', TYPE], ['container', CONTAINER],
]);

/** The numbers an entry without them has 0 for (the times stay NaN: not recorded). */
const ZERO_BY_DEFAULT = [OpNumber.CallId, OpNumber.RcCode, OpNumber.OpStatus, OpNumber.Interval];

/**
 * Builds the resource history of a node (lrm_resource and lrm_rsc_op
 * entries, the bulk of a large CIB) straight from scanned attributes into an
 * OperationTable: names are mapped to the table's columns once per attribute
 * layout (by the scanner's per-name key, not by comparing strings), numbers
 * are read in place, and strings stay in the text until read.
 */
export class HistoryReader {
  /** per scanner key: the name it stood for when its code was looked up, and that code */
  private readonly keyNames: string[] = [];
  private readonly keyCodes: number[] = [];
  /** per attribute layout (see XmlAttributes.layout): the slots of its codes */
  private readonly layouts = new Map<object, Int32Array>();
  /** the slots of an element read without a layout, worked out anew each time */
  private readonly unlaidSlots = new Int32Array(CODE_COUNT);
  /** an entry's numbers as read, before their defaults */
  private readonly numbers = new Float64Array(NUMBERS);
  readonly table: OperationTable;

  /** `text`: what the entries are scanned from ('' when they come from an element tree). */
  constructor(
    private readonly text: string,
    private readonly file?: string,
  ) {
    // An entry with its share of lrm_resource takes 500-600 bytes of a generated or real CIB: room for about that many.
    this.table = new OperationTable(text, text.length >> 9);
  }

  private code(a: XmlAttributes, k: number): number {
    const key = a.key(k);
    const name = a.name(k);
    if (this.keyNames[key] !== name) {
      this.keyNames[key] = name;
      this.keyCodes[key] = CODES.get(name) ?? 0;
    }
    return this.keyCodes[key];
  }

  /**
   * The slot of each attribute code in the element (-1: absent). Worked out
   * once per layout: history entries mostly repeat one layout (the same
   * names in the same order), so an entry is read without looking at names.
   */
  private slots(a: XmlAttributes): Int32Array {
    const layout = a.layout;
    const known = layout === undefined ? undefined : this.layouts.get(layout);
    if (known !== undefined) return known;
    const slots = layout === undefined ? this.unlaidSlots : new Int32Array(CODE_COUNT);
    slots.fill(-1);
    // (Attributes nothing reads all land in slot 0's entry, which is never read.)
    for (let k = 0; k < a.count; k++) slots[this.code(a, k)] = k;
    if (layout !== undefined) this.layouts.set(layout, slots);
    return slots;
  }

  private fail(element: string, id: string | undefined, detail: string): never {
    throw new CibValidationError(`<${element}${id !== undefined ? ` id="${id}"` : ''}>`, detail, this.file ? { file: this.file } : undefined);
  }

  // The lrm_resource being read: its object is made when it ends, with the range of its entries.
  private resourceId = '';
  private resourceClass?: string;
  private resourceProvider?: string;
  private resourceType?: string;
  private resourceContainer?: string;
  private firstRow = 0;
  /** the agent values (class, provider, type: one slot each), which repeat across nodes */
  private readonly agents = new ValuePool(3);

  /** An lrm_resource starts: its attributes, kept until endResource. */
  beginResource(a: XmlAttributes): void {
    const f = this.slots(a);
    if (f[ID] < 0 || a.equals(f[ID], '')) this.fail('lrm_resource', undefined, 'missing required attribute "id"');
    this.resourceId = this.resourceIdOf(a, f[ID]);
    this.resourceClass = f[CLASS] < 0 ? undefined : this.agents.value(a, f[CLASS], 0);
    this.resourceProvider = f[PROVIDER] < 0 ? undefined : this.agents.value(a, f[PROVIDER], 1);
    this.resourceType = f[TYPE] < 0 ? undefined : this.agents.value(a, f[TYPE], 2);
    this.resourceContainer = f[CONTAINER] < 0 ? undefined : a.value(f[CONTAINER]);
    this.firstRow = this.table.size;
  }

  /** distinct lrm_resource ids in the order first read, and where each is in that order by a hash of its text (see resourceIdOf) */
  private readonly idOrder: string[] = [];
  private readonly idAt = new Map<number, number>();
  /** where in idOrder the id after the last one read is */
  private nextId = 0;

  /**
   * The id in slot k, as the string read for the same id before: every node
   * lists the same resources, and thousands of copies of each id would each
   * be hashed again when the scheduler looks its resource up. Nodes mostly
   * list them in the same order, so the id that followed last time is tried
   * first.
   */
  private resourceIdOf(a: XmlAttributes, k: number): string {
    const predicted = this.idOrder[this.nextId];
    if (predicted !== undefined && a.equals(k, predicted)) {
      this.nextId++;
      return predicted;
    }
    const start = a.start(k);
    if (start < 0) return a.value(k);
    const end = a.end(k);
    let h = end - start;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + this.text.charCodeAt(i)) | 0;
    // (Kept within small-integer range: a Map then hashes the key without boxing it.)
    h &= 0x3fffffff;
    const at = this.idAt.get(h);
    if (at !== undefined && a.equals(k, this.idOrder[at])) {
      this.nextId = at + 1;
      return this.idOrder[at];
    }
    // (Two ids with one hash: the later gets a string of its own, and is not predicted.)
    const id = a.value(k);
    if (at === undefined) {
      this.idAt.set(h, this.idOrder.length);
      this.idOrder.push(id);
      this.nextId = this.idOrder.length;
    }
    return id;
  }

  /** The lrm_resource begun last, with the entries read since. */
  endResource(): LrmResource {
    return new TabledResource(this.resourceId, this.resourceClass, this.resourceProvider, this.resourceType, this.resourceContainer,
      this.table, this.firstRow, this.table.size - this.firstRow);
  }

  /** One lrm_rsc_op, as the table's next row. */
  lrmOp(a: XmlAttributes): void {
    const t = this.table;
    const f = this.slots(a);
    const id = f[ID];
    if (id < 0 || a.equals(id, '')) this.fail('lrm_rsc_op', undefined, 'missing required attribute "id"');
    const operation = f[SHARED_CODE + OpShared.Operation];
    if (operation < 0 || a.equals(operation, '')) this.fail('lrm_rsc_op', a.value(id), 'missing required attribute "operation"');
    const row = t.addRow();
    for (let field = 0; field < TEXTS; field++) if (f[TEXT + field] >= 0) t.setText(row, field, a, f[TEXT + field]);
    // Without an operation_key the id stands for it.
    if (f[TEXT + OpText.OperationKey] < 0) t.setText(row, OpText.OperationKey, a, id);
    for (let field = 0; field < SHARED; field++) if (f[SHARED_CODE + field] >= 0) t.setShared(row, field, a, f[SHARED_CODE + field]);
    const n = this.numbers;
    for (let field = 0; field < NUMBERS; field++) n[field] = this.number(a, id, f[NUMBER + field]);
    if (Number.isNaN(n[OpNumber.RcCode]) || Number.isNaN(n[OpNumber.OpStatus])) {
      // Old entries record the status and rc only in transition-magic ("status:rc;key").
      const m = /^(-?\d+):(-?\d+);/.exec(t.textValue(row, OpText.TransitionMagic) ?? '');
      if (m) {
        if (Number.isNaN(n[OpNumber.OpStatus])) n[OpNumber.OpStatus] = Number(m[1]);
        if (Number.isNaN(n[OpNumber.RcCode])) n[OpNumber.RcCode] = Number(m[2]);
      }
    }
    for (const field of ZERO_BY_DEFAULT) if (Number.isNaN(n[field])) n[field] = 0;
    for (let field = 0; field < NUMBERS; field++) t.setNumber(row, field, n[field]);
  }

  /** The number in slot k of an lrm_rsc_op whose id is in slot `id` (k = -1: absent); absent or empty gives NaN. */
  private number(a: XmlAttributes, id: number, k: number): number {
    if (k < 0) return NaN;
    const n = a.number(k);
    if (Number.isFinite(n)) return n;
    const v = a.value(k);
    if (v === '') return NaN;
    this.fail('lrm_rsc_op', a.value(id), `invalid ${a.name(k)} "${v}" (expected a number)`);
  }
}
