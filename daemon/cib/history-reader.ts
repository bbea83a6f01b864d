import { CibValidationError } from './errors.js';
import type { XmlAttributes } from './xml-scan.js';
import type { LrmOp, LrmResource } from './model.js';

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
 * entries, the bulk of a large CIB) straight from scanned attributes: names
 * are told apart by the scanner's per-name key (a table lookup, not a string
 * switch), numbers are read in place, and only kept values become strings.
 */
export class HistoryReader {
  /** per scanner key: the name it stood for when its code was looked up, and that code */
  private readonly keyNames: string[] = [];
  private readonly keyCodes: number[] = [];
  /** the kept copy of each value that repeats across entries (operation names, agents, node names, feature sets) */
  private readonly values = new Map<string, string>();

  constructor(private readonly file?: string) {}

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

  // The lrm_resource being read: its object is made when it ends, with its history (no field set twice).
  private resourceId = '';
  private resourceClass?: string;
  private resourceProvider?: string;
  private resourceType?: string;
  private resourceContainer?: string;

  /** An lrm_resource starts: its attributes, kept until endResource. */
  beginResource(a: XmlAttributes): void {
    this.resourceId = '';
    this.resourceClass = this.resourceProvider = this.resourceType = this.resourceContainer = undefined;
    for (let k = 0; k < a.count; k++) {
      switch (this.code(a, k)) {
        case ID: this.resourceId = a.value(k); break;
        case CLASS: this.resourceClass = this.shared(a, k, CLASS); break;
        case PROVIDER: this.resourceProvider = this.shared(a, k, PROVIDER); break;
        case TYPE: this.resourceType = this.shared(a, k, TYPE); break;
        case CONTAINER: this.resourceContainer = a.value(k); break;
      }
    }
    if (this.resourceId === '') this.fail('lrm_resource', undefined, 'missing required attribute "id"');
  }

  /** The lrm_resource begun last, with its history entries in `ops` (taken as they are). */
  endResource(ops: LrmOp[]): LrmResource {
    return {
      id: this.resourceId, class: this.resourceClass, provider: this.resourceProvider, type: this.resourceType,
      container: this.resourceContainer, ops,
    };
  }

  /** One lrm_rsc_op. */
  lrmOp(a: XmlAttributes): LrmOp {
    const op: LrmOp = {
      id: '', operationKey: '', operation: '', callId: 0, rcCode: 0, opStatus: 0, intervalMs: 0, lastRcChange: undefined, lastRun: undefined,
      execTime: undefined, queueTime: undefined, opDigest: undefined, secureDigest: undefined, secureParams: undefined, restartDigest: undefined, transitionKey: undefined, transitionMagic: undefined,
      onNode: undefined, exitReason: undefined, migrateSource: undefined, migrateTarget: undefined, featureSet: undefined,
    };
    let idGiven = false, keyGiven = false;
    // slots of the numeric attributes (-1: absent), read once the id is known for error messages
    let callId = -1, rc = -1, status = -1, interval = -1, lastRcChange = -1, lastRun = -1, execTime = -1, queueTime = -1;
    for (let k = 0; k < a.count; k++) {
      switch (this.code(a, k)) {
        case ID: op.id = a.value(k); idGiven = true; break;
        case OPERATION_KEY: op.operationKey = a.value(k); keyGiven = true; break;
        case OPERATION: op.operation = this.shared(a, k, OPERATION); break;
        case CALL_ID: callId = k; break;
        case RC_CODE: rc = k; break;
        case OP_STATUS: status = k; break;
        case INTERVAL: interval = k; break;
        case LAST_RC_CHANGE: lastRcChange = k; break;
        case LAST_RUN: lastRun = k; break;
        case EXEC_TIME: execTime = k; break;
        case QUEUE_TIME: queueTime = k; break;
        case OP_DIGEST: op.opDigest = a.value(k); break;
        case SECURE_DIGEST: op.secureDigest = a.value(k); break;
        case SECURE_PARAMS: op.secureParams = a.value(k); break;
        case RESTART_DIGEST: op.restartDigest = a.value(k); break;
        case TRANSITION_KEY: op.transitionKey = a.value(k); break;
        case TRANSITION_MAGIC: op.transitionMagic = a.value(k); break;
        case ON_NODE: op.onNode = this.shared(a, k, ON_NODE); break;
        case EXIT_REASON: op.exitReason = this.shared(a, k, EXIT_REASON); break;
        case MIGRATE_SOURCE: op.migrateSource = a.value(k); break;
        case MIGRATE_TARGET: op.migrateTarget = a.value(k); break;
        case FEATURE_SET: op.featureSet = this.shared(a, k, FEATURE_SET); break;
      }
    }
    const id = op.id;
    if (id === '') this.fail('lrm_rsc_op', idGiven ? id : undefined, 'missing required attribute "id"');
    if (op.operation === '') this.fail('lrm_rsc_op', id, 'missing required attribute "operation"');
    if (!keyGiven) op.operationKey = id;
    let rcCode = this.number(id, a, rc);
    let opStatus = this.number(id, a, status);
    if ((rcCode === undefined || opStatus === undefined) && op.transitionMagic) {
      const m = /^(-?\d+):(-?\d+);/.exec(op.transitionMagic);
      if (m) {
        opStatus ??= Number(m[1]);
        rcCode ??= Number(m[2]);
      }
    }
    op.rcCode = rcCode ?? 0;
    op.opStatus = opStatus ?? 0;
    op.callId = this.number(id, a, callId) ?? 0;
    op.intervalMs = this.number(id, a, interval) ?? 0;
    op.lastRcChange = this.number(id, a, lastRcChange);
    op.lastRun = this.number(id, a, lastRun);
    op.execTime = this.number(id, a, execTime);
    op.queueTime = this.number(id, a, queueTime);
    return op;
  }

  /** The number in slot k of an lrm_rsc_op (-1: absent); empty counts as absent. */
  private number(id: string, a: XmlAttributes, k: number): number | undefined {
    if (k < 0) return undefined;
    const n = a.number(k);
    if (Number.isFinite(n)) return n;
    const v = a.value(k);
    if (v === '') return undefined;
    this.fail('lrm_rsc_op', id, `invalid ${a.name(k)} "${v}" (expected a number)`);
  }

  /** per attribute code: the value it had last (entries in a row mostly repeat it: operation, node, feature set) */
  private readonly lastValues: (string | undefined)[] = [];

  /** The kept copy of the value in slot k: a large CIB would otherwise hold hundreds of thousands of copies. */
  private shared(a: XmlAttributes, k: number, code: number): string {
    // The previous entry's value, compared in place, is found without cutting a string at all.
    const last = this.lastValues[code];
    if (last !== undefined && a.equals(k, last)) return last;
    // Else a Map lookup of a cut string beats comparing in place against a list of candidates (measured).
    const v = a.value(k);
    let kept = this.values.get(v);
    if (kept === undefined) this.values.set(v, (kept = v));
    this.lastValues[code] = kept;
    return kept;
  }
}
