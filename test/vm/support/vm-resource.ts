/** CIB XML for a VM primitive with the operations a VM needs (monitor every 2 s for quick recovery in tests). */
export function vmPrimitive(id: string, agent: { provider: string; type: string }, params: Record<string, string>, meta: Record<string, string> = {}): string {
  const nv = (prefix: string, o: Record<string, string>) => Object.entries(o).map(([k, v]) => `<nvpair id="${id}-${prefix}-${k}" name="${k}" value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`).join('');
  const ops = [
    ['monitor', '2s', '20s'],
    ['start', '0', '60s'],
    ['stop', '0', '30s'],
    ['migrate_to', '0', '60s'],
    ['migrate_from', '0', '30s'],
  ]
    .map(([name, interval, timeout]) => `<op id="${id}-${name}-${interval}" name="${name}" interval="${interval}" timeout="${timeout}"/>`)
    .join('');
  return (
    `<primitive id="${id}" class="ocf" provider="${agent.provider}" type="${agent.type}">` +
    `<instance_attributes id="${id}-ia">${nv('ia', params)}</instance_attributes>` +
    `<meta_attributes id="${id}-meta">${nv('meta', { 'allow-migrate': 'true', 'resource-stickiness': '100', ...meta })}</meta_attributes>` +
    `<operations>${ops}</operations></primitive>`
  );
}

/** A complete <configuration> for the VM cluster (no fencing device: vigil's lease-based self-fencing is the safety net). */
export function vmConfiguration(nodes: string[], resources: string, constraints = ''): string {
  const nodeXml = nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join('');
  return (
    '<configuration><crm_config><cluster_property_set id="opts">' +
    '<nvpair id="opt-stonith" name="stonith-enabled" value="false"/>' +
    '</cluster_property_set></crm_config>' +
    `<nodes>${nodeXml}</nodes><resources>${resources}</resources><constraints>${constraints}</constraints></configuration>`
  );
}
