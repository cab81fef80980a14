import { loadConfig } from '../config/app-config.js';
import { erasedPatientPseudonym, STORED_ERASURE_STATES, visibleErasureState } from './erasure-states.js';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const AHEAD = new Date('2026-05-08T12:00:00.000Z');
const PAST = new Date('2026-05-01T11:59:59.999Z');

describe('visibleErasureState', () => {
  it('shows a confirmed request as confirmed until its effective time, then as taking effect', () => {
    expect(visibleErasureState('confirmed', AHEAD, NOW)).toBe('confirmed');
    expect(visibleErasureState('confirmed', NOW, NOW)).toBe('taking-effect');
    expect(visibleErasureState('confirmed', PAST, NOW)).toBe('taking-effect');
  });

  it('shows the steps of carrying it out as one, and done as erased', () => {
    expect(visibleErasureState('recorded', PAST, NOW)).toBe('taking-effect');
    expect(visibleErasureState('content-erased', PAST, NOW)).toBe('taking-effect');
    expect(visibleErasureState('done', PAST, NOW)).toBe('erased');
  });

  it('shows waiting and cancelled requests as they are', () => {
    expect(visibleErasureState('pending-confirmation', null, NOW)).toBe('pending-confirmation');
    expect(visibleErasureState('cancelled', AHEAD, NOW)).toBe('cancelled');
  });

  it('has a visible state for every stored one', () => {
    for (const state of STORED_ERASURE_STATES)
      expect(visibleErasureState(state, PAST, NOW)).toEqual(expect.any(String));
  });
});

describe('erasedPatientPseudonym', () => {
  const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

  it('derives a name and an undeliverable, unique address from the patient ID alone', () => {
    expect(erasedPatientPseudonym(id)).toEqual({
      fullName: 'Erased patient 3f2504e0',
      email: `erased-${id}@erased.invalid`,
    });
    expect(erasedPatientPseudonym('0f6a1c2d-3b4e-4f50-8a61-b2c3d4e5f607').email).not.toBe(
      erasedPatientPseudonym(id).email,
    );
  });
});

describe('the erasure settings', () => {
  const SECRETS = { JWT_SECRET: 'x'.repeat(48), MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };

  it('default to a cooling-off of 7 days and a poll every 10 s', () => {
    expect(loadConfig({ ...SECRETS })).toMatchObject({
      ERASURE_COOLING_OFF_SECONDS: 604_800,
      ERASURE_POLL_SECONDS: 10,
    });
  });

  it('take short values (tests), and refuse none, zero, or more than 90 days at start', () => {
    expect(loadConfig({ ...SECRETS, ERASURE_COOLING_OFF_SECONDS: '3', ERASURE_POLL_SECONDS: '1' })).toMatchObject({
      ERASURE_COOLING_OFF_SECONDS: 3,
      ERASURE_POLL_SECONDS: 1,
    });
    for (const value of ['0', '-5', 'soon', String(91 * 24 * 3600)]) {
      expect(() => loadConfig({ ...SECRETS, ERASURE_COOLING_OFF_SECONDS: value })).toThrow(
        /ERASURE_COOLING_OFF_SECONDS/,
      );
    }
    expect(() => loadConfig({ ...SECRETS, ERASURE_POLL_SECONDS: '0' })).toThrow(/ERASURE_POLL_SECONDS/);
  });
});
