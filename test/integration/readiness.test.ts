import { callApi, expectErrorEnvelope } from '../support/api.js';
import { components, eventually } from '../support/services.js';

/**
 * Takes each backing component away under the running API, then brings it back: readiness
 * names what is down with 503 and Retry-After, and recovers without an API restart.
 */
describe('readiness of the running API as components come and go', () => {
  const isReady = async () => (await callApi('/api/v1/health/ready')).status === 200;

  beforeAll(async () => {
    await eventually(isReady, 60_000, 'readiness before the test');
  });

  afterAll(async () => {
    // Leave everything running for the suites after this one, whatever happened here.
    await Promise.allSettled([components.startNetwork(), components.startIpfs(), components.startDatabase()]);
  });

  it.each([
    ['ledger', 'HospitalB peer', () => components.stopNetworkService('peer0-hospitalb'), components.startNetwork],
    ['ipfs', 'Kubo', components.stopIpfs, components.startIpfs],
    ['database', 'PostgreSQL', components.stopDatabase, components.startDatabase],
  ])(
    'answers 503 naming the %s while %s is stopped, and 200 once it is back',
    async (component, _label, stop, start) => {
      await stop();
      let response = await callApi('/api/v1/health/ready');
      await eventually(
        async () => {
          response = await callApi('/api/v1/health/ready');
          return response.status === 503;
        },
        15_000,
        `503 with ${component} down`,
      );
      expectErrorEnvelope(response, 503, 'NOT_READY');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const states = (response.body as { components: Record<string, { status: string }> }).components;
      expect(states[component].status).toBe('down');
      expect(
        Object.entries(states)
          .filter(([, state]) => state.status === 'down')
          .map(([name]) => name),
      ).toEqual([component]);
      expect((response.body as { message: string }).message).toBe(`not ready: ${component} unavailable`);
      // By name and state only: nothing of what the driver said (hosts, ports, errors) on this public route.
      for (const state of Object.values(states)) expect(Object.keys(state).sort()).toEqual(['latencyMs', 'status']);
      const answer = { ...(response.body as Record<string, unknown>), requestId: undefined };
      expect(JSON.stringify(answer)).not.toMatch(
        /ECONN|refused|fetch failed|127\.0\.0\.1|localhost|peer|timeout|error/i,
      );

      await start();
      await eventually(isReady, 60_000, `readiness after ${component} returned`);
    },
  );
});
