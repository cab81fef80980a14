import { isPortalRequest, PORTAL_CONTENT_SECURITY_POLICY } from './serve-portal.js';

describe('the portal', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/patients/3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
    ['HEAD', '/sign-in'],
    ['GET', '/assets/app-abc123.js'],
    ['GET', '/apiary'],
    ['GET', '/metricsboard'],
  ])('answers %s %s', (method, path) => {
    expect(isPortalRequest(method, path)).toBe(true);
  });

  it.each([
    ['GET', '/api'],
    ['GET', '/api/v1/health'],
    ['GET', '/API/V1/health'],
    ['GET', '/api/docs'],
    ['GET', '/metrics'],
    ['GET', '/metrics/'],
    ['POST', '/'],
    ['DELETE', '/patients'],
  ])('leaves %s %s to the API', (method, path) => {
    expect(isPortalRequest(method, path)).toBe(false);
  });

  it('allows no inline script or style, and no other origin', () => {
    const directives = new Map(
      PORTAL_CONTENT_SECURITY_POLICY.split('; ').map((directive) => {
        const [name, ...sources] = directive.split(' ');
        return [name, sources] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'self'"]);
    expect(PORTAL_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|https?:/);
  });
});
