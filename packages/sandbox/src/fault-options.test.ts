import { describe, expect, it } from 'vitest';
import { parseFault } from './fault.js';
import { checkFaultOptions, parseFaultOptions } from './fault-options.js';
import { createFaultPlan } from './fault-plan.js';

describe('parseFaultOptions', () => {
  it('reads the --fault value, kinds running on until the next key', () => {
    expect(parseFaultOptions('rate=0.1,kinds=429,500,reset,truncate,slow')).toEqual({
      rate: 0.1,
      kinds: ['429', '500', 'reset', 'truncate', 'slow'],
    });
    expect(parseFaultOptions('kinds=503,slow=250,seed=7,rate=1,slow-ms=10,retry-after-ms=0')).toEqual({
      rate: 1,
      kinds: ['503', 'slow=250'],
      seed: 7,
      slowMs: 10,
      retryAfterMs: 0,
    });
  });

  it('reads a services list, which kinds may follow', () => {
    expect(parseFaultOptions('rate=0.2,services=metrics,jobs,kinds=503,reset')).toEqual({
      rate: 0.2,
      services: ['metrics', 'jobs'],
      kinds: ['503', 'reset'],
    });
  });

  it('names what it cannot read', () => {
    expect(() => parseFaultOptions('rate=lots')).toThrow('--fault: rate must be a number, got "lots".');
    expect(() => parseFaultOptions('503')).toThrow('--fault: unexpected "503"; write kinds=<kind>,<kind>...');
    expect(() => parseFaultOptions('rate=2')).toThrow('Fault rate must be between 0 and 1, got 2.');
    expect(() => parseFaultOptions('rate=0.5,kinds=418')).toThrow('Unknown fault "418"');
  });

  it('refuses a positive rate with no kinds, and negative delays', () => {
    expect(() => checkFaultOptions({ rate: 0.5, kinds: [] })).toThrow('Fault kinds must name at least one fault when rate > 0.');
    expect(() => checkFaultOptions({ slowMs: -1 })).toThrow('Fault slowMs must be a non-negative number, got -1.');
  });
});

describe('parseFault', () => {
  it('reads every kind and slow with or without a delay', () => {
    expect(parseFault('reset-after')).toEqual({ kind: 'reset-after' });
    expect(parseFault(' SLOW=25 ')).toEqual({ kind: 'slow', delayMs: 25 });
    expect(parseFault('slow', 40)).toEqual({ kind: 'slow', delayMs: 40 });
  });
});

describe('createFaultPlan', () => {
  it('chooses the same faults for the same seed and counts them', () => {
    const draw = (seed: number) => {
      const plan = createFaultPlan({ rate: 0.3, kinds: ['429', 'reset', 'slow=5'], seed });
      return Array.from({ length: 50 }, () => plan.choose(new Headers(), 'jobs')[0]?.kind ?? '-').join(' ');
    };
    expect(draw(5)).toBe(draw(5));
    expect(draw(5)).not.toBe(draw(6));
    expect(draw(5)).toMatch(/429/);
    expect(draw(5)).toMatch(/reset/);
    expect(draw(5)).toMatch(/slow/);
  });

  it('reads several faults from the header and lets it override the random plan', () => {
    const plan = createFaultPlan({ rate: 1, kinds: ['503'] });
    expect(plan.choose(new Headers({ 'x-sandbox-fault': 'slow=10, truncate' }), 'jobs')).toEqual([
      { kind: 'slow', delayMs: 10 },
      { kind: 'truncate' },
    ]);
    plan.count('truncate');
    expect(plan.counts()).toMatchObject({ truncate: 1, '503': 0 });
  });

  it('limits random faults to the services named, and can be reconfigured while the counts carry on', () => {
    const plan = createFaultPlan({ rate: 1, kinds: ['503'], services: ['metrics'] });
    expect(plan.choose(new Headers(), 'jobs')).toEqual([]);
    expect(plan.choose(new Headers(), 'metrics')).toEqual([{ kind: '503' }]);
    plan.count('503');
    plan.configure(undefined);
    expect(plan.choose(new Headers(), 'metrics')).toEqual([]);
    plan.configure({ rate: 1, kinds: ['429'], retryAfterMs: 5 });
    expect(plan.choose(new Headers(), 'jobs')).toEqual([{ kind: '429' }]);
    expect(plan.retryAfterMs).toBe(5);
    expect(plan.counts()['503']).toBe(1);
  });
});
