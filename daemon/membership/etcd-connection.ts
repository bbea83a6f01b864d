import { Etcd3, GRPCCancelledError, isRecoverableError } from 'etcd3';
import { ConsecutiveBreaker, circuitBreaker, handleWhen, noop, retry } from 'cockatiel';

/** Longest a unary etcd call may take before it fails (and is retried on another member). */
const CALL_DEADLINE_MS = 3000;

/** Connection trouble, not our own cancellation of a watch or keepalive stream. */
const memberUnreachable = handleWhen((err) => isRecoverableError(err) && !(err instanceof GRPCCancelledError));

/**
 * An etcd3 client tuned for fast failover between members: a dead member's circuit opens
 * after 2 failures and is retried after 1 s (the default 5 s would hide a recovered member
 * for longer than a lease TTL), each call is retried once on another member, and no unary
 * call waits longer than CALL_DEADLINE_MS. With a
 * single member there is nowhere else to go, so no breaker: it would only add a blackout.
 */
export function connectEtcd(endpoints: string[]): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    dialTimeout: 1000,
    // a unary call stuck on a broken connection would otherwise hang its caller (the controller
    // loop, a result write) forever; watch and keepalive streams live on without a deadline
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
    faultHandling: {
      host: () => (endpoints.length > 1 ? circuitBreaker(memberUnreachable, { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(2) }) : noop),
      global: retry(memberUnreachable, { maxAttempts: endpoints.length > 1 ? 2 : 1 }),
    },
  });
}
