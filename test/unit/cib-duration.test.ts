import { describe, it, expect } from 'vitest';
import { parseInterval } from '../../daemon/cib/duration.js';

describe('parseInterval', () => {
  it.each([
    ['0', 0], ['10', 10_000], ['10s', 10_000], ['500ms', 500], ['0ms', 0], ['007s', 7000], ['2m', 120_000], ['1h', 3_600_000],
    ['1d', 86_400_000], ['1.5s', 1500], [' 10s ', 10_000], ['10 s', 10_000], ['10S', 10_000], ['10MS', 10], ['10sec', 10_000],
    ['3us', 0], ['PT30S', 30_000], ['P1DT2H', 93_600_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });

  it('reads hours and seconds without the T, as Pacemaker does, but M alone stays months', () => {
    expect(parseInterval('P10S')).toBe(10_000);
    expect(parseInterval('P1H40S')).toBe(3_640_000);
    expect(parseInterval('P1M')).toBe(30 * 86_400_000);
  });

  it.each(['', 's', 'ms', '10x', '10 sx', 'P', 'PT'])('rejects %j', (text) => {
    expect(parseInterval(text)).toBeUndefined();
  });
});
