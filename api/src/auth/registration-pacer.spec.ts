import { describe, expect, it, jest } from '@jest/globals';
import { DEFAULT_CREATION_MS, RegistrationPacer } from './registration-pacer.js';

function newPacer(random = 0.5) {
  const sleep = jest.fn((_ms: number) => Promise.resolve());
  return { sut: new RegistrationPacer(() => random, sleep), sleep };
}

describe('RegistrationPacer', () => {
  it('assumes a CA enrollment and a ledger transaction until a creation was timed', () => {
    expect(newPacer().sut.typicalMs()).toBe(DEFAULT_CREATION_MS);
  });

  it('takes the median of the recent creations, forgetting old ones', () => {
    const { sut } = newPacer();
    for (const ms of [100, 900, 300]) sut.recordCreation(ms);
    expect(sut.typicalMs()).toBe(300);
    sut.recordCreation(500);
    expect(sut.typicalMs()).toBe(400);
    for (let index = 0; index < 25; index += 1) sut.recordCreation(2000);
    expect(sut.typicalMs()).toBe(2000);
  });

  it('waits out the rest of a typical creation, give or take a tenth', async () => {
    const { sut, sleep } = newPacer(1); // the longest: typical · 1.1
    sut.recordCreation(1000);
    await sut.padFrom(0, 200);
    expect(sleep).toHaveBeenCalledWith(900);
  });

  it('does not wait when the request took longer already', async () => {
    const { sut, sleep } = newPacer(0);
    sut.recordCreation(1000);
    await sut.padFrom(0, 950);
    expect(sleep).not.toHaveBeenCalled();
  });
});
