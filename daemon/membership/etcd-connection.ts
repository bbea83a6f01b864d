import { Etcd3, GRPCCancelledError, isRecoverableError } from 'etcd3';
import { ConsecutiveBreaker, circuitBreaker, handleWhen, noop, retry } from 'cockatiel';

/** Connection trouble, not our own cancellation of a watch or keepalive stream. */
const memberUnreachable = handleWhen((err) => isRecoverableError(err) && !(err instanceof GRPCCancelledError));

/**
 * An etcd3 client tuned for fast failover between members: a dead member's circuit opens
 * after 2 failures and is retried after 1 s (the default 5 s would hide a recovered member
 * for longer than a lease TTL), and each call is retried once on another member. With a
 * single member there is nowhere else to go, so no breaker: it would only add a blackout.
 */
export function connectEtcd(endpoints: string[]): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    dialTimeout: 1000,
    faultHandling: {
      host: () => (endpoints.length > 1 ? circuitBreaker(memberUnreachable, { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(2) }) : noop),
      global: retry(memberUnreachable, { maxAttempts: endpoints.length > 1 ? 2 : 1 }),
    },
  });
}
