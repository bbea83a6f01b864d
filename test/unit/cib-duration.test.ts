import { describe, expect, it } from 'vitest';
import { parseInterval } from '../../daemon/cib/duration.js';

describe('parseInterval', () => {
  it('reads plain and ISO 8601 intervals', () => {
    expect(parseInterval('10')).toBe(10_000);
    expect(parseInterval('500ms')).toBe(500);
    expect(parseInterval('PT1M30S')).toBe(90_000);
    expect(parseInterval('P1DT2H')).toBe(93_600_000);
  });
  it('reads hours and seconds without the T, as Pacemaker does, but M alone stays months', () => {
    expect(parseInterval('P10S')).toBe(10_000);
    expect(parseInterval('P1H40S')).toBe(3_640_000);
    expect(parseInterval('P1M')).toBe(30 * 86_400_000);
  });
  it('rejects what is not an interval', () => {
    expect(parseInterval('P')).toBeUndefined();
    expect(parseInterval('PT')).toBeUndefined();
    expect(parseInterval('10 parsecs')).toBeUndefined();
  });
});
