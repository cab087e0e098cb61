import { describe, expect, it } from 'vitest';
import { runIdentity, taggedIdentity } from '../../../lib/k6/identity.ts';

describe('the run identity inside k6', () => {
  it('the testid tag of the run (k6 run --tag testid=X) names the run, over TESTID and a generated id', () => {
    const generated = runIdentity({});
    expect(taggedIdentity(generated, { testid: 'tagged-1' })).toEqual({ runId: 'tagged-1', testid: 'tagged-1', keyPrefix: 'sd:tagged-1:' });
    expect(taggedIdentity(runIdentity({ TESTID: 'env-1' }), { testid: 'tagged-2', profile: 'stress' }).testid).toBe('tagged-2');
  });

  it('without a testid tag the identity from the environment stays', () => {
    const fromEnv = runIdentity({ TESTID: 'env-2' });
    expect(taggedIdentity(fromEnv, {})).toEqual({ runId: 'env-2', testid: 'env-2', keyPrefix: 'sd:env-2:' });
    expect(taggedIdentity(fromEnv, null)).toBe(fromEnv);
    expect(taggedIdentity(fromEnv, { testid: '' })).toBe(fromEnv);
  });
});
