import type { XmlAttributes } from './xml-scan.js';
import type { LrmOp, LrmResource } from './model.js';
import { ValuePool } from './value-pool.js';

/** Numeric fields of an operation (NaN: absent). */
export enum OpNumber { CallId, RcCode, OpStatus, Interval, LastRcChange, LastRun, ExecTime, QueueTime }
/** the lrm_rsc_op attribute of each OpNumber field, in its order */
export const NUMBER_ATTRIBUTES = ['call-id', 'rc-code', 'op-status', 'interval', 'last-rc-change', 'last-run', 'exec-time', 'queue-time'];
export const NUMBERS = NUMBER_ATTRIBUTES.length;

/** Fields whose values repeat across entries (kept once each). */
export enum OpShared { Operation, OnNode, ExitReason, FeatureSet }
/** the lrm_rsc_op attribute of each OpShared field, in its order */
export const SHARED_ATTRIBUTES = ['operation', 'on_node', 'exit-reason', 'crm_feature_set'];
export const SHARED = SHARED_ATTRIBUTES.length;

/** Fields of their own per entry, kept as where they lie in the CIB text. */
export enum OpText {
  Id, OperationKey, OpDigest, SecureDigest, SecureParams, RestartDigest, TransitionKey, TransitionMagic, MigrateSource, MigrateTarget,
}
/** the lrm_rsc_op attribute of each OpText field, in its order */
export const TEXT_ATTRIBUTES = [
  'id', 'operation_key', 'op-digest', 'op-secure-digest', 'op-secure-params', 'op-restart-digest', 'transition-key', 'transition-magic',
  'migrate_source', 'migrate_target',
];
export const TEXTS = TEXT_ATTRIBUTES.length;

// A text field's span is stored as start + 1 (and its end), so that a zero, which new typed arrays hold
// already, means absent; a shared field as its pool index + 1 for the same reason.
const ABSENT = 0;
/** span start of a text field held as a string of its own (not verbatim in the text) */
const OWN = -1;

/**
 * Every lrm_rsc_op of a status section, one row per entry and one column
 * per field. A large cluster records tens of thousands of entries (each
 * resource probed on each node); as objects with their strings they were
 * half of a parsed CIB's heap and most of its garbage-collection work. Here
 * numbers sit in typed arrays, repeating values are kept once, and the
 * entry's own strings (ids, digests, transition keys) are positions in the
 * CIB text, cut only when read. An entry becomes an LrmOp object only when
 * asked for: the scheduler reads every row's few deciding fields in place
 * and asks for objects only of the entries that say more than "probed:
 * not running".
 */
export class OperationTable {
  private rows = 0;
  // Zero means absent in shared and spans (see ABSENT), so new rows there need no writes; numbers are set to NaN per row.
  private numbers: Float64Array;
  private shared: Int32Array;
  private spans: Int32Array;
  /** the values of shared fields (a slot per OpShared field) */
  private readonly pool = new ValuePool(SHARED);
  /** text values not verbatim in the text (entities decoded, or read from an element tree), by row * TEXTS + field */
  private readonly own = new Map<number, string>();
  /** the LrmOp objects asked for so far (the same object each time), by row (made at the first request, when the rows are known) */
  private objects?: (LrmOp | undefined)[];

  /**
   * `text`: the CIB text the scanner read the entries from ('' when they come
   * from an element tree); `expectedRows`: room to make at once (growing
   * copies every column, which at tens of thousands of rows is measurable).
   */
  constructor(
    private readonly text: string,
    expectedRows = 1024,
  ) {
    const rows = Math.max(16, expectedRows);
    // Not filled up front: untouched pages of a fresh typed array cost nothing until a row is added there.
    this.numbers = new Float64Array(rows * NUMBERS);
    this.shared = new Int32Array(rows * SHARED);
    this.spans = new Int32Array(rows * TEXTS * 2);
  }

  get size(): number {
    return this.rows;
  }

  /** A new row with every field absent; returns its index. */
  addRow(): number {
    const row = this.rows++;
    if (row * NUMBERS >= this.numbers.length) this.grow();
    this.numbers.fill(NaN, row * NUMBERS, (row + 1) * NUMBERS);
    return row;
  }

  private grow(): void {
    const grown = <T extends Float64Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.numbers = grown(this.numbers, new Float64Array(this.numbers.length * 2));
    this.shared = grown(this.shared, new Int32Array(this.shared.length * 2));
    this.spans = grown(this.spans, new Int32Array(this.spans.length * 2));
  }

  setNumber(row: number, field: OpNumber, value: number): void {
    this.numbers[row * NUMBERS + field] = value;
  }

  /** Sets a shared field to attribute k's value, kept once for the whole table. */
  setShared(row: number, field: OpShared, a: XmlAttributes, k: number): void {
    this.shared[row * SHARED + field] = this.pool.index(a, k, field) + 1;
  }

  /** Sets a text field to attribute k's value: its place in the text when it lies there verbatim. */
  setText(row: number, field: OpText, a: XmlAttributes, k: number): void {
    const at = (row * TEXTS + field) * 2;
    const start = a.start(k);
    if (start >= 0) {
      this.spans[at] = start + 1;
      this.spans[at + 1] = a.end(k);
    } else {
      this.spans[at] = OWN;
      this.own.set(row * TEXTS + field, a.value(k));
    }
  }

  /** A number field, NaN when absent. */
  number(row: number, field: OpNumber): number {
    return this.numbers[row * NUMBERS + field];
  }

  sharedValue(row: number, field: OpShared): string | undefined {
    const index = this.shared[row * SHARED + field] - 1;
    return index < 0 ? undefined : this.pool.at(index);
  }

  textValue(row: number, field: OpText): string | undefined {
    const at = (row * TEXTS + field) * 2;
    const start = this.spans[at];
    if (start === ABSENT) return undefined;
    if (start === OWN) return this.own.get(row * TEXTS + field);
    return this.text.slice(start - 1, this.spans[at + 1]);
  }

  // The fields every row is read for (see unpack-status.ts), without making an object.
  operation(row: number): string {
    return this.pool.at(this.shared[row * SHARED + OpShared.Operation] - 1);
  }
  callId(row: number): number {
    return this.numbers[row * NUMBERS + OpNumber.CallId];
  }
  rcCode(row: number): number {
    return this.numbers[row * NUMBERS + OpNumber.RcCode];
  }
  opStatus(row: number): number {
    return this.numbers[row * NUMBERS + OpNumber.OpStatus];
  }
  intervalMs(row: number): number {
    return this.numbers[row * NUMBERS + OpNumber.Interval];
  }
  /** last-rc-change in epoch seconds, NaN when not recorded */
  lastRcChange(row: number): number {
    return this.numbers[row * NUMBERS + OpNumber.LastRcChange];
  }

  /** Row `row` as an LrmOp (made on first request, the same object after). */
  op(row: number): LrmOp {
    return ((this.objects ??= new Array<LrmOp | undefined>(this.rows))[row] ??= this.makeOp(row));
  }

  /** A number field, undefined when absent. */
  private optional(row: number, field: OpNumber): number | undefined {
    const n = this.numbers[row * NUMBERS + field];
    return n === n ? n : undefined; // NaN: absent
  }

  private makeOp(row: number): LrmOp {
    return {
      id: this.textValue(row, OpText.Id)!, operationKey: this.textValue(row, OpText.OperationKey)!, operation: this.operation(row),
      callId: this.callId(row), rcCode: this.rcCode(row), opStatus: this.opStatus(row), intervalMs: this.intervalMs(row),
      lastRcChange: this.optional(row, OpNumber.LastRcChange), lastRun: this.optional(row, OpNumber.LastRun), execTime: this.optional(row, OpNumber.ExecTime),
      queueTime: this.optional(row, OpNumber.QueueTime), opDigest: this.textValue(row, OpText.OpDigest), secureDigest: this.textValue(row, OpText.SecureDigest),
      secureParams: this.textValue(row, OpText.SecureParams), restartDigest: this.textValue(row, OpText.RestartDigest),
      transitionKey: this.textValue(row, OpText.TransitionKey), transitionMagic: this.textValue(row, OpText.TransitionMagic),
      onNode: this.sharedValue(row, OpShared.OnNode), exitReason: this.sharedValue(row, OpShared.ExitReason),
      migrateSource: this.textValue(row, OpText.MigrateSource), migrateTarget: this.textValue(row, OpText.MigrateTarget),
      featureSet: this.sharedValue(row, OpShared.FeatureSet),
    };
  }
}

/** An lrm_resource whose entries are rows first..first+count-1 of a table. */
export class TabledResource implements LrmResource {
  private opObjects?: LrmOp[];

  constructor(
    readonly id: string,
    readonly agentClass: string | undefined,
    readonly provider: string | undefined,
    readonly type: string | undefined,
    readonly container: string | undefined,
    readonly table: OperationTable,
    readonly first: number,
    readonly count: number,
  ) {}

  /** `class` (a reserved word, so not a constructor parameter name) */
  get class(): string | undefined {
    return this.agentClass;
  }

  /** The entries as objects (made on first request). */
  get ops(): LrmOp[] {
    if (this.opObjects === undefined) {
      this.opObjects = [];
      for (let k = 0; k < this.count; k++) this.opObjects.push(this.table.op(this.first + k));
    }
    return this.opObjects;
  }
}
