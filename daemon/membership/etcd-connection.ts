import { Etcd3 } from 'etcd3';
import { ConsecutiveBreaker, circuitBreaker, handleWhen, retry } from 'cockatiel';
import { isRecoverableError } from 'etcd3';

/**
 * An etcd3 client tuned for fast failover between members: a dead member's circuit
 * opens after 2 failures and is retried after 1 s (the default 5 s would hide a
 * recovered member for longer than a lease TTL), and each call is retried once on
 * another member.
 */
export function connectEtcd(endpoints: string[]): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    dialTimeout: 1000,
    faultHandling: {
      host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(2) }),
      global: retry(handleWhen(isRecoverableError), { maxAttempts: 2 }),
    },
  });
}
