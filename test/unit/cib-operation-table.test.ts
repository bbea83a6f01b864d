import { describe, it, expect } from 'vitest';
import { OperationTable, OpNumber, OpShared, OpText } from '../../daemon/cib/operation-table.js';
import { attributesOf, scanXmlEvents, type XmlAttributes } from '../../daemon/cib/xml-scan.js';

/** The attributes of each element of `text`, as the table's callers get them from the scanner. */
function scannedRows(text: string, into: OperationTable): void {
  scanXmlEvents(text, {
    open(name: string, a: XmlAttributes) {
      if (name !== 'op') return;
      const row = into.addRow();
      for (let k = 0; k < a.count; k++) {
        if (a.name(k) === 'id') into.setText(row, OpText.Id, a, k);
        if (a.name(k) === 'operation') into.setShared(row, OpShared.Operation, a, k);
        if (a.name(k) === 'call-id') into.setNumber(row, OpNumber.CallId, a.number(k));
      }
    },
    close() {},
  });
}

describe('OperationTable', () => {
  it('keeps rows past its first capacity, with absent fields absent', () => {
    const ops = Array.from({ length: 3000 }, (_, i) => `<op id="op-${i}" operation="${i % 3 ? 'monitor' : 'start'}" call-id="${i}"/>`);
    const text = `<ops>${ops.join('')}</ops>`;
    const table = new OperationTable(text);
    scannedRows(text, table);
    expect(table.size).toBe(3000);
    for (const i of [0, 1023, 1024, 2047, 2048, 2999]) {
      expect([table.textValue(i, OpText.Id), table.operation(i), table.callId(i)]).toEqual([`op-${i}`, i % 3 ? 'monitor' : 'start', i]);
      expect(table.textValue(i, OpText.TransitionKey)).toBeUndefined();
      expect(table.sharedValue(i, OpShared.OnNode)).toBeUndefined();
      expect(Number.isNaN(table.number(i, OpNumber.LastRun))).toBe(true);
    }
  });

  it('holds values that are not verbatim in the text (decoded entities, element trees) as strings of their own', () => {
    const text = '<ops><op id="a&amp;b" operation="monitor"/></ops>';
    const table = new OperationTable(text);
    scannedRows(text, table);
    const fromTree = new OperationTable('');
    const row = fromTree.addRow();
    fromTree.setText(row, OpText.Id, attributesOf({ id: 'c<d' }), 0);
    expect([table.textValue(0, OpText.Id), fromTree.textValue(row, OpText.Id)]).toEqual(['a&b', 'c<d']);
  });
});
