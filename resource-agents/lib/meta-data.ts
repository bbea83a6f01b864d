import { element, writeXml, type XmlElement } from '../../daemon/cib/xml.js';
import type { ParameterSpec } from './parameters.js';

/** An action as advertised in meta-data (timeouts are the defaults a user gets without op settings). */
export interface ActionAdvert {
  name: string;
  timeoutS: number;
  intervalS?: number;
  depth?: number;
}

export interface AgentDescription {
  name: string;
  version: string;
  shortdesc: string;
  longdesc: string;
  parameters: ParameterSpec[];
  actions: ActionAdvert[];
}

const text = (name: string, value: string, attrs: Record<string, string> = {}): XmlElement => ({ ...element(name, attrs), text: value });

/** The OCF 1.1 resource-agent meta-data document for an agent. */
export function buildMetaData(agent: AgentDescription): string {
  const parameters = agent.parameters.map((p) =>
    element('parameter', { name: p.name, required: p.required ? '1' : '0', unique: p.unique ? '1' : '0' }, [
      text('longdesc', p.longdesc, { lang: 'en' }),
      text('shortdesc', p.shortdesc, { lang: 'en' }),
      element('content', { type: p.type, default: p.default }),
    ]),
  );
  const actions = agent.actions.map((a) =>
    element('action', {
      name: a.name,
      timeout: `${a.timeoutS}s`,
      interval: a.intervalS !== undefined ? `${a.intervalS}s` : undefined,
      depth: a.depth !== undefined ? String(a.depth) : undefined,
    }),
  );
  const root = element('resource-agent', { name: agent.name, version: agent.version }, [
    text('version', '1.1'),
    text('longdesc', agent.longdesc, { lang: 'en' }),
    text('shortdesc', agent.shortdesc, { lang: 'en' }),
    element('parameters', {}, parameters),
    element('actions', {}, actions),
  ]);
  return `<?xml version="1.0"?>\n<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">\n${writeXml(root)}`;
}

/** The actions every vigil agent implements, with its own timeouts (seconds) and monitor interval. */
export function standardActions(t: { start: number; stop: number; monitor: number; monitorInterval: number }, extra: ActionAdvert[] = []): ActionAdvert[] {
  return [
    { name: 'start', timeoutS: t.start },
    { name: 'stop', timeoutS: t.stop },
    { name: 'monitor', timeoutS: t.monitor, intervalS: t.monitorInterval, depth: 0 },
    ...extra,
    { name: 'meta-data', timeoutS: 5 },
    { name: 'validate-all', timeoutS: 10 },
  ];
}
