import { ApiClient } from '../../../daemon/api/client.js';
import { childrenNamed, firstChild, parseXml } from '../../../daemon/cib/xml.js';

/** A node's transient attribute as stored in the CIB status section (what the scheduler's rules see). */
export async function transientAttribute(api: ApiClient, node: string, name: string): Promise<string | undefined> {
  const status = firstChild(parseXml(await api.getCib()), 'status');
  const state = childrenNamed(status ?? { name: '', attrs: {}, children: [] }, 'node_state').find((s) => (s.attrs.uname ?? s.attrs.id) === node);
  for (const t of childrenNamed(state ?? { name: '', attrs: {}, children: [] }, 'transient_attributes')) {
    for (const set of childrenNamed(t, 'instance_attributes')) {
      const pair = childrenNamed(set, 'nvpair').find((p) => p.attrs.name === name);
      if (pair) return pair.attrs.value;
    }
  }
  return undefined;
}

/** Polls until the attribute has `value` (undefined = absent); returns how long that took. */
export async function waitForAttribute(api: ApiClient, node: string, name: string, value: string | undefined, timeoutMs = 15_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const now = await transientAttribute(api, node, name);
    if (now === value) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`attribute ${name} on ${node} is ${now}, not ${value}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
