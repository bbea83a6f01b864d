/**
 * The etcd key layout of a vigil cluster, in one place. Everything else talks in
 * domain terms (configuration, node status, members, action queues).
 *
 *   vigil/config/xml                          <configuration> XML text
 *   vigil/config/epoch, vigil/config/admin_epoch
 *   vigil/status/<node>/op/<rsc>/<op-id>      {"agent":{...},"xml":"<lrm_rsc_op .../>"} written by <node>
 *   vigil/status/<node>/attr/<name>           transient node attribute value
 *   vigil/status/<node>/down                  {"reason":"fenced"|"shutdown","at":ms} (node is cleanly down)
 *   vigil/members/<node>                      presence, bound to the node's lease
 *   vigil/queue/<node>/<transition-key>       action request for <node>'s executor (from the DC)
 *   vigil/dc                                  election (etcd3 Election API)
 */
export const ROOT = 'vigil/';
export const CONFIG_XML = 'vigil/config/xml';
export const CONFIG_EPOCH = 'vigil/config/epoch';
export const CONFIG_ADMIN_EPOCH = 'vigil/config/admin_epoch';
export const STATUS = 'vigil/status/';
export const MEMBERS = 'vigil/members/';
export const QUEUE = 'vigil/queue/';
export const DC_ELECTION = 'vigil/dc';

export const statusOf = (node: string) => `${STATUS}${node}/`;
export const opKey = (node: string, rsc: string, opId: string) => `${STATUS}${node}/op/${rsc}/${opId}`;
export const resourceOpsOf = (node: string, rsc: string) => `${STATUS}${node}/op/${rsc}/`;
export const opsOf = (node: string) => `${STATUS}${node}/op/`;
export const attrsOf = (node: string) => `${STATUS}${node}/attr/`;
export const attrKey = (node: string, name: string) => `${STATUS}${node}/attr/${name}`;
export const downKey = (node: string) => `${STATUS}${node}/down`;
export const memberKey = (node: string) => `${MEMBERS}${node}`;
export const queueOf = (node: string) => `${QUEUE}${node}/`;
export const queueKey = (node: string, transitionKey: string) => `${QUEUE}${node}/${transitionKey}`;

/** A parsed status key: which node it belongs to and what it is. */
export type StatusKey =
  | { kind: 'op'; node: string; resource: string; opId: string }
  | { kind: 'attr'; node: string; name: string }
  | { kind: 'down'; node: string };

export function parseStatusKey(key: string): StatusKey | undefined {
  if (!key.startsWith(STATUS)) return undefined;
  const parts = key.slice(STATUS.length).split('/');
  const [node, kind] = parts;
  if (kind === 'op' && parts.length === 4) return { kind: 'op', node, resource: parts[2], opId: parts[3] };
  if (kind === 'attr' && parts.length === 3) return { kind: 'attr', node, name: parts[2] };
  if (kind === 'down' && parts.length === 2) return { kind: 'down', node };
  return undefined;
}
