import { CibValidationError } from './errors.js';
import type { XmlAttributes } from './xml-scan.js';
import type { LrmResource } from './model.js';
import { ValuePool } from './value-pool.js';
import { OperationTable, OpNumber, OpShared, OpText, TabledResource } from './operation-table.js';

// Attribute codes of lrm_resource and lrm_rsc_op (0: an attribute nothing reads).
const ID = 1, CLASS = 2, PROVIDER = 3, TYPE = 4, CONTAINER = 5, OPERATION_KEY = 6, OPERATION = 7, CALL_ID = 8, RC_CODE = 9,
  OP_STATUS = 10, INTERVAL = 11, LAST_RC_CHANGE = 12, LAST_RUN = 13, EXEC_TIME = 14, QUEUE_TIME = 15, OP_DIGEST = 16,
  RESTART_DIGEST = 17, TRANSITION_KEY = 18, TRANSITION_MAGIC = 19, ON_NODE = 20, EXIT_REASON = 21, MIGRATE_SOURCE = 22,
  MIGRATE_TARGET = 23, FEATURE_SET = 24, SECURE_DIGEST = 25, SECURE_PARAMS = 26;

const CODES = new Map<string, number>([
  ['id', ID], ['class', CLASS], ['provider', PROVIDER], ['type', TYPE], ['container', CONTAINER], ['operation_key', OPERATION_KEY],
  ['operation', OPERATION], ['call-id', CALL_ID], ['rc-code', RC_CODE], ['op-status', OP_STATUS], ['interval', INTERVAL],
  ['last-rc-change', LAST_RC_CHANGE], ['last-run', LAST_RUN], ['exec-time', EXEC_TIME], ['queue-time', QUEUE_TIME],
  ['op-digest', OP_DIGEST], ['op-restart-digest', RESTART_DIGEST], ['transition-key', TRANSITION_KEY],
  ['transition-magic', TRANSITION_MAGIC], ['on_node', ON_NODE], ['exit-reason', EXIT_REASON], ['migrate_source', MIGRATE_SOURCE],
  ['migrate_target', MIGRATE_TARGET], ['crm_feature_set', FEATURE_SET],
  ['op-secure-digest', SECURE_DIGEST], ['op-secure-params', SECURE_PARAMS],
]);

/**
 * Builds the resource history of a node (lrm_resource and lrm_rsc_op
 * entries, the bulk of a large CIB) straight from scanned attributes into an
 * OperationTable: names are told apart by the scanner's per-name key (a table
 * lookup, not a string switch), numbers are read in place, and strings stay
 * in the text until read.
 */
export class HistoryReader {
  /** per scanner key: the name it stood for when its code was looked up, and that code */
  private readonly keyNames: string[] = [];
  private readonly keyCodes: number[] = [];
  readonly table: OperationTable;

  /** `text`: what the entries are scanned from ('' when they come from an element tree). */
  constructor(text: string, private readonly file?: string) {
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
    this.resourceId = '';
    this.resourceClass = this.resourceProvider = this.resourceType = this.resourceContainer = undefined;
    for (let k = 0; k < a.count; k++) {
      switch (this.code(a, k)) {
        case ID: this.resourceId = a.value(k); break;
        case CLASS: this.resourceClass = this.agents.value(a, k, 0); break;
        case PROVIDER: this.resourceProvider = this.agents.value(a, k, 1); break;
        case TYPE: this.resourceType = this.agents.value(a, k, 2); break;
        case CONTAINER: this.resourceContainer = a.value(k); break;
      }
    }
    if (this.resourceId === '') this.fail('lrm_resource', undefined, 'missing required attribute "id"');
    this.firstRow = this.table.size;
  }

  /** The lrm_resource begun last, with the entries read since. */
  endResource(): LrmResource {
    return new TabledResource(this.resourceId, this.resourceClass, this.resourceProvider, this.resourceType, this.resourceContainer,
      this.table, this.firstRow, this.table.size - this.firstRow);
  }

  /** One lrm_rsc_op, as the table's next row. */
  lrmOp(a: XmlAttributes): void {
    const t = this.table;
    const row = t.addRow();
    // the slot of the id (-1: absent), cut into a string only for an error message
    let id = -1;
    let keyGiven = false, operationGiven = false;
    // slots of the numeric attributes (-1: absent), read once the id is known for error messages
    let callId = -1, rc = -1, status = -1, interval = -1, lastRcChange = -1, lastRun = -1, execTime = -1, queueTime = -1;
    for (let k = 0; k < a.count; k++) {
      switch (this.code(a, k)) {
        case ID: id = k; t.setText(row, OpText.Id, a, k); break;
        case OPERATION_KEY: keyGiven = true; t.setText(row, OpText.OperationKey, a, k); break;
        case OPERATION: operationGiven = !a.equals(k, ''); t.setShared(row, OpShared.Operation, a, k); break;
        case CALL_ID: callId = k; break;
        case RC_CODE: rc = k; break;
        case OP_STATUS: status = k; break;
        case INTERVAL: interval = k; break;
        case LAST_RC_CHANGE: lastRcChange = k; break;
        case LAST_RUN: lastRun = k; break;
        case EXEC_TIME: execTime = k; break;
        case QUEUE_TIME: queueTime = k; break;
        case OP_DIGEST: t.setText(row, OpText.OpDigest, a, k); break;
        case SECURE_DIGEST: t.setText(row, OpText.SecureDigest, a, k); break;
        case SECURE_PARAMS: t.setText(row, OpText.SecureParams, a, k); break;
        case RESTART_DIGEST: t.setText(row, OpText.RestartDigest, a, k); break;
        case TRANSITION_KEY: t.setText(row, OpText.TransitionKey, a, k); break;
        case TRANSITION_MAGIC: t.setText(row, OpText.TransitionMagic, a, k); break;
        case ON_NODE: t.setShared(row, OpShared.OnNode, a, k); break;
        case EXIT_REASON: t.setShared(row, OpShared.ExitReason, a, k); break;
        case MIGRATE_SOURCE: t.setText(row, OpText.MigrateSource, a, k); break;
        case MIGRATE_TARGET: t.setText(row, OpText.MigrateTarget, a, k); break;
        case FEATURE_SET: t.setShared(row, OpShared.FeatureSet, a, k); break;
      }
    }
    if (id < 0 || a.equals(id, '')) this.fail('lrm_rsc_op', undefined, 'missing required attribute "id"');
    if (!operationGiven) this.fail('lrm_rsc_op', a.value(id), 'missing required attribute "operation"');
    if (!keyGiven) t.setText(row, OpText.OperationKey, a, id);
    let rcCode = this.number(a, id, rc);
    let opStatus = this.number(a, id, status);
    if (Number.isNaN(rcCode) || Number.isNaN(opStatus)) {
      const m = /^(-?\d+):(-?\d+);/.exec(t.textValue(row, OpText.TransitionMagic) ?? '');
      if (m) {
        if (Number.isNaN(opStatus)) opStatus = Number(m[1]);
        if (Number.isNaN(rcCode)) rcCode = Number(m[2]);
      }
    }
    t.setNumber(row, OpNumber.RcCode, Number.isNaN(rcCode) ? 0 : rcCode);
    t.setNumber(row, OpNumber.OpStatus, Number.isNaN(opStatus) ? 0 : opStatus);
    const callIdValue = this.number(a, id, callId);
    t.setNumber(row, OpNumber.CallId, Number.isNaN(callIdValue) ? 0 : callIdValue);
    const intervalValue = this.number(a, id, interval);
    t.setNumber(row, OpNumber.Interval, Number.isNaN(intervalValue) ? 0 : intervalValue);
    t.setNumber(row, OpNumber.LastRcChange, this.number(a, id, lastRcChange));
    t.setNumber(row, OpNumber.LastRun, this.number(a, id, lastRun));
    t.setNumber(row, OpNumber.ExecTime, this.number(a, id, execTime));
    t.setNumber(row, OpNumber.QueueTime, this.number(a, id, queueTime));
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
