import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorEnvelopeFilter } from '../common/error-envelope.filter.js';
import { RateLimiter } from '../rate-limits/rate-limiter.js';
import { SystemStatusController } from './system.controller.js';
import { type SystemStatus, SystemStatusService } from './system-status.service.js';

const STATUS: SystemStatus = {
  api: { version: '0.1.0' },
  chaincode: { name: 'medledger', version: '3f2a9c1b7d4e', sequence: 4 },
  fabric: { version: '3.1.1' },
  channel: 'ehr',
  peers: [
    { hospital: 'hospital-a', mspId: 'HospitalAMSP', endpoint: 'localhost:7051', answering: true, blockHeight: 42n },
    { hospital: 'hospital-b', mspId: 'HospitalBMSP', endpoint: 'localhost:9051', answering: false, blockHeight: null },
  ],
  ipfs: { kind: 'helia', answering: true, id: null, version: '7.1.15', repoSizeBytes: 300108 },
  projection: { checkpointBlock: 41n, chainHeight: 42n, lagBlocks: 0n, lagEvents: 0 },
  reconciliation: null,
};

/** The route over HTTP with the real error filter, the service mocked; roles are the access guard's (role matrix). */
describe('SystemStatusController', () => {
  let app: INestApplication;
  const service = { status: jest.fn(async (): Promise<SystemStatus> => STATUS) };

  @Module({
    controllers: [SystemStatusController],
    providers: [
      { provide: SystemStatusService, useValue: service },
      // The route's rate limit lets every request through here (rate-limiter.spec.ts tests it).
      { provide: RateLimiter, useValue: { spend: () => Promise.resolve() } },
      { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
    ],
  })
  class TestModule {}

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  it('answers 200 with block heights as numbers and a peer that does not answer as such', async () => {
    const response = await request(app.getHttpServer()).get('/system/status').expect(200);

    expect(response.body).toEqual({
      api: { version: '0.1.0' },
      chaincode: { name: 'medledger', version: '3f2a9c1b7d4e', sequence: 4 },
      fabric: { version: '3.1.1' },
      channel: 'ehr',
      peers: [
        { hospital: 'hospital-a', mspId: 'HospitalAMSP', endpoint: 'localhost:7051', answering: true, blockHeight: 42 },
        {
          hospital: 'hospital-b',
          mspId: 'HospitalBMSP',
          endpoint: 'localhost:9051',
          answering: false,
          blockHeight: null,
        },
      ],
      ipfs: { kind: 'helia', answering: true, id: null, version: '7.1.15', repoSizeBytes: 300108 },
      projection: { checkpointBlock: 41, chainHeight: 42, lagBlocks: 0, lagEvents: 0 },
      reconciliation: null,
    });
  });

  it('declares every answer in the OpenAPI document: 200, 401, 403 for all but admins and auditors, 429, 503', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const responses = document.paths['/system/status'].get?.responses ?? {};

    expect(Object.keys(responses).sort()).toEqual(['200', '401', '403', '429', '503']);
    expect(responses['403']).toMatchObject({ description: expect.stringMatching(/allowed roles: admin, auditor/i) });
    expect(responses['429']).toMatchObject({ headers: { 'Retry-After': expect.anything() } });
    expect(document.components?.schemas?.SystemStatusDto).toMatchObject({
      required: expect.arrayContaining(['api', 'chaincode', 'fabric', 'channel', 'peers', 'ipfs', 'projection']),
    });
  });
});
