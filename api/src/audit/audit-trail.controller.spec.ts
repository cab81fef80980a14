import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { NotFoundError } from '../common/domain-error.js';
import { ErrorEnvelopeFilter } from '../common/error-envelope.filter.js';
import { createValidationPipe } from '../common/validation.js';
import { ACCESS_CSV_HEADER, accessCsvLine } from './access-csv.js';
import { AccessLogController } from './access-log.controller.js';
import type { AccessEntry, AuditPage, TimelineEntry } from './audit-entries.js';
import { AuditTrailController } from './audit-trail.controller.js';
import { AuditTrailService } from './audit-trail.service.js';

const CALLER: AuthenticatedUser = { id: 'caller', role: 'auditor', hospital: 'hospital-a', sessionId: 's' };
const REPORT_ID = '6f1d2c3b-4a59-4e8f-9d0c-1b2a3c4d5e6f';
const PATIENT_ID = '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10';

const ACCESS: AccessEntry = {
  txId: 'a3f1c0d2e4b5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff',
  blockNumber: 42,
  at: new Date('2026-11-21T10:00:00.250Z'),
  outcome: 'granted',
  refusalCode: null,
  reportId: REPORT_ID,
  patientId: PATIENT_ID,
  reportType: 'lab-result',
  actor: { id: '5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f', role: 'doctor', hospital: 'hospital-b', fullName: null },
  basis: 'grant',
  grantId: '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
  granteeKind: 'doctor',
  purposeOfUse: 'TREAT',
};

const EVENT: TimelineEntry = {
  txId: ACCESS.txId,
  blockNumber: 42,
  at: new Date('2026-11-21T10:00:00.250Z'),
  event: 'ReportAccessRefused',
  subject: { type: 'refusal', id: ACCESS.txId },
  actor: { id: ACCESS.actor.id, role: 'doctor', hospital: 'hospital-b' },
  reportId: REPORT_ID,
  purposeOfUse: null,
  outcome: 'refused',
  refusalCode: 'GRANT_EXPIRED',
};

async function* pagesOf(...pages: AccessEntry[][]) {
  for (const page of pages) yield page;
}

/** The routes over HTTP with the real validation pipe and error filter; the service mocked, the caller set as the guards would. */
describe('AuditTrailController and AccessLogController', () => {
  let app: INestApplication;
  const service = {
    reportHistory: jest.fn(
      async (_caller: AuthenticatedUser, id: string, _page: unknown): Promise<AuditPage<TimelineEntry>> => {
        if (id !== REPORT_ID) throw new NotFoundError('no report you may see has this id');
        return { items: [EVENT], nextCursor: 'next' };
      },
    ),
    patientEvents: jest.fn(
      async (_caller: AuthenticatedUser, _id: string, _query: unknown): Promise<AuditPage<TimelineEntry>> => ({
        items: [EVENT],
        nextCursor: null,
      }),
    ),
    accesses: jest.fn(async (_caller: AuthenticatedUser, _query: unknown): Promise<AuditPage<AccessEntry>> => ({
      items: [{ ...ACCESS, actor: { ...ACCESS.actor, fullName: 'Bo Larsen' } }],
      nextCursor: null,
    })),
    exportAccesses: jest.fn(async (_caller: AuthenticatedUser, _query: unknown) =>
      pagesOf([ACCESS], [{ ...ACCESS, outcome: 'refused' as const, refusalCode: 'FORBIDDEN' }]),
    ),
    accessLog: jest.fn(async (_caller: AuthenticatedUser, _query: unknown): Promise<AuditPage<AccessEntry>> => ({
      items: [ACCESS],
      nextCursor: null,
    })),
  };

  @Module({
    controllers: [AuditTrailController, AccessLogController],
    providers: [
      { provide: AuditTrailService, useValue: service },
      { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
    ],
  })
  class TestModule {}

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use((req: Request & { user?: AuthenticatedUser }, _res: Response, next: NextFunction) => {
      req.user = CALLER;
      next();
    });
    app.useGlobalPipes(createValidationPipe());
    await app.init();
  });

  beforeEach(() => {
    jest.clearAllMocks();
  });

  afterAll(() => app.close());

  it('answers a report’s history as the timeline shape', async () => {
    const response = await request(app.getHttpServer()).get(`/audit/reports/${REPORT_ID}/history?limit=5`).expect(200);
    expect(response.body).toEqual({
      items: [
        {
          txId: ACCESS.txId,
          blockNumber: 42,
          at: '2026-11-21T10:00:00.250Z',
          event: 'ReportAccessRefused',
          subject: { type: 'refusal', id: ACCESS.txId },
          actor: { id: ACCESS.actor.id, role: 'doctor', hospital: 'hospital-b' },
          reportId: REPORT_ID,
          purposeOfUse: null,
          outcome: 'refused',
          refusalCode: 'GRANT_EXPIRED',
        },
      ],
      nextCursor: 'next',
    });
    expect(service.reportHistory).toHaveBeenCalledWith(CALLER, REPORT_ID, expect.objectContaining({ limit: 5 }));
  });

  it('answers 404 NOT_FOUND for a report the caller may not see, 400 for an id that is no UUID', async () => {
    const missing = await request(app.getHttpServer())
      .get('/audit/reports/00000000-0000-4000-8000-000000000000/history')
      .expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    await request(app.getHttpServer()).get('/audit/reports/not-a-uuid/history').expect(400);
  });

  it('passes a patient’s events query on, `from` and `to` as the instants they name', async () => {
    await request(app.getHttpServer())
      .get(`/audit/patients/${PATIENT_ID}/events?from=2026-11-01T00:00Z&to=2026-11-30T23:59:59.999%2B01:00`)
      .expect(200);
    expect(service.patientEvents).toHaveBeenCalledWith(
      CALLER,
      PATIENT_ID,
      expect.objectContaining({
        from: new Date('2026-11-01T00:00:00.000Z'),
        to: new Date('2026-11-30T22:59:59.999Z'),
      }),
    );
  });

  it('takes `to` before `from`: a period in which nothing lies (the service finds nothing)', async () => {
    await request(app.getHttpServer())
      .get(`/audit/patients/${PATIENT_ID}/events?from=2026-11-30T00:00:00Z&to=2026-11-01T00:00:00Z`)
      .expect(200);
    expect(service.patientEvents).toHaveBeenCalledWith(
      CALLER,
      PATIENT_ID,
      expect.objectContaining({ from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }),
    );
  });

  it('takes `to` equal to `from`: both are inclusive', async () => {
    const instant = '2026-11-21T10:00:00.250Z';
    await request(app.getHttpServer()).get(`/audit/accesses?from=${instant}&to=${instant}`).expect(200);
    expect(service.accesses).toHaveBeenCalledWith(
      CALLER,
      expect.objectContaining({ from: new Date(instant), to: new Date(instant) }),
    );
  });

  it.each([
    ['a from that is no time', 'from=yesterday', 'from'],
    ['a from that is a date alone', 'from=2026-11-01', 'from'],
    ['a to that is a date alone (it would end at that day’s first instant)', 'to=2026-11-30', 'to'],
    ['a day that does not exist', 'to=2026-02-30T00:00:00Z', 'to'],
    ['a time without a zone', 'from=2026-11-01T10:00:00', 'from'],
    ['an empty from', 'from=', 'from'],
    ['a from given twice', 'from=2026-11-01T00:00:00Z&from=2026-11-02T00:00:00Z', 'from'],
    ['a limit out of range', 'limit=101', 'limit'],
    ['an unknown filter', 'reviewed=true', 'reviewed'],
  ])('answers 400 INVALID_INPUT with the field for %s', async (_case, query, field) => {
    const response = await request(app.getHttpServer())
      .get(`/audit/patients/${PATIENT_ID}/events?${query}`)
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect((response.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field)).toContain(field);
    expect(service.patientEvents).not.toHaveBeenCalled();
  });

  it('lists accesses as JSON by default, with the reader’s name when known', async () => {
    const response = await request(app.getHttpServer())
      .get(`/audit/accesses?actorId=${ACCESS.actor.id}&patientId=${PATIENT_ID}&outcome=granted`)
      .expect(200)
      .expect('Content-Type', /application\/json/)
      .expect('Vary', /Accept/);
    expect(response.body).toEqual({
      items: [
        {
          txId: ACCESS.txId,
          blockNumber: 42,
          at: '2026-11-21T10:00:00.250Z',
          outcome: 'granted',
          refusalCode: null,
          reportId: REPORT_ID,
          patientId: PATIENT_ID,
          reportType: 'lab-result',
          actor: { id: ACCESS.actor.id, role: 'doctor', hospital: 'hospital-b', fullName: 'Bo Larsen' },
          basis: 'grant',
          grantId: ACCESS.grantId,
          granteeKind: 'doctor',
          purposeOfUse: 'TREAT',
        },
      ],
      nextCursor: null,
    });
    expect(service.accesses).toHaveBeenCalledWith(
      CALLER,
      expect.objectContaining({ actorId: ACCESS.actor.id, patientId: PATIENT_ID, outcome: 'granted' }),
    );
    expect(service.exportAccesses).not.toHaveBeenCalled();
  });

  it('streams accesses as a CSV attachment with `Accept: text/csv`: the header line, then every page', async () => {
    const response = await request(app.getHttpServer())
      .get('/audit/accesses?outcome=refused')
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      })
      .expect(200)
      .expect('Content-Type', /^text\/csv/)
      .expect('Content-Disposition', 'attachment; filename="accesses.csv"');
    expect(response.body).toBe(
      ACCESS_CSV_HEADER +
        accessCsvLine(ACCESS) +
        accessCsvLine({ ...ACCESS, outcome: 'refused', refusalCode: 'FORBIDDEN' }),
    );
    expect(service.exportAccesses).toHaveBeenCalledWith(CALLER, expect.objectContaining({ outcome: 'refused' }));
    expect(service.accesses).not.toHaveBeenCalled();
  });

  it('answers a CSV request refused before streaming with the JSON error envelope', async () => {
    service.exportAccesses.mockRejectedValueOnce(new NotFoundError('nothing'));
    const response = await request(app.getHttpServer()).get('/audit/accesses').set('Accept', 'text/csv').expect(404);
    expect(response.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('cuts the connection when the export fails mid-stream, so that the file never looks complete', async () => {
    async function* failing() {
      yield [ACCESS];
      throw new Error('database gone');
    }
    service.exportAccesses.mockResolvedValueOnce(failing());
    await expect(
      request(app.getHttpServer()).get('/audit/accesses').set('Accept', 'text/csv').buffer(true),
    ).rejects.toThrow();
  });

  it.each([
    ['an outcome outside the enum', 'outcome=maybe', 'outcome'],
    ['an actor that is no UUID', 'actorId=doctor-1', 'actorId'],
    ['a patient that is no UUID', 'patientId=1', 'patientId'],
  ])('answers 400 for %s on /audit/accesses, as JSON even when CSV was asked for', async (_case, query, field) => {
    const response = await request(app.getHttpServer())
      .get(`/audit/accesses?${query}`)
      .set('Accept', 'text/csv')
      .expect(400)
      .expect('Content-Type', /application\/json/);
    expect((response.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field)).toContain(field);
    expect(service.exportAccesses).not.toHaveBeenCalled();
  });

  it('answers the patient’s access log', async () => {
    const response = await request(app.getHttpServer()).get('/me/access-log?outcome=refused&limit=10').expect(200);
    expect((response.body as { items: unknown[] }).items).toHaveLength(1);
    // No name known for this reader: the field is left out.
    expect(response.body).toMatchObject({ items: [{ actor: { id: ACCESS.actor.id, hospital: 'hospital-b' } }] });
    expect((response.body as { items: Array<{ actor: object }> }).items[0].actor).not.toHaveProperty('fullName');
    expect(service.accessLog).toHaveBeenCalledWith(CALLER, expect.objectContaining({ outcome: 'refused', limit: 10 }));
  });

  it('answers an actor of an MSP this network does not list with a null hospital', async () => {
    service.accessLog.mockResolvedValueOnce({
      items: [{ ...ACCESS, actor: { ...ACCESS.actor, hospital: null } }],
      nextCursor: null,
    });
    const response = await request(app.getHttpServer()).get('/me/access-log').expect(200);
    expect((response.body as { items: Array<{ actor: object }> }).items[0].actor).toEqual({
      id: ACCESS.actor.id,
      role: 'doctor',
      hospital: null,
    });
  });

  it('declares in OpenAPI the values the answers carry: every outcome of a timeline event, a hospital that may be null, `from` and `to` as instants', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const schemas = document.components!.schemas as Record<
      string,
      { properties: Record<string, { enum?: string[]; nullable?: boolean; description?: string }> }
    >;
    expect([...schemas.TimelineEntryDto.properties.outcome.enum!].sort()).toEqual(
      ['appropriate', 'granted', 'inappropriate', 'refused'].sort(),
    );
    expect(schemas.TimelineEntryDto.properties.outcome.nullable).toBe(true);
    expect(schemas.AccessActorDto.properties.hospital.nullable).toBe(true);
    expect(schemas.TimelineActorDto.properties.hospital.nullable).toBe(true);
    expect(schemas.AccessActorDto.properties.fullName.description).toMatch(/never a patient/);
    for (const path of ['/audit/accesses', '/audit/patients/{id}/events', '/me/access-log']) {
      const parameters = (document.paths[path].get!.parameters ?? []) as Array<{
        name: string;
        description?: string;
        schema?: { type?: string; format?: string };
      }>;
      for (const name of ['from', 'to']) {
        const parameter = parameters.find((candidate) => candidate.name === name)!;
        expect(parameter.schema).toMatchObject({ type: 'string', format: 'date-time' });
        expect(parameter.description).toMatch(/inclusive/);
        expect(parameter.description).toMatch(/date alone .* is refused with 400/);
      }
    }
  });

  it('declares in OpenAPI every status each route answers, and the CSV media type of the access list', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const operation = (path: string) => document.paths[path].get!;
    const statuses = (path: string) => Object.keys(operation(path).responses).sort();
    expect(statuses('/audit/reports/{id}/history')).toEqual(['200', '400', '401', '403', '404', '503']);
    expect(statuses('/audit/patients/{id}/events')).toEqual(['200', '400', '401', '403', '404', '503']);
    expect(statuses('/audit/accesses')).toEqual(['200', '400', '401', '403', '503']);
    expect(statuses('/me/access-log')).toEqual(['200', '400', '401', '403', '503']);
    const ok = operation('/audit/accesses').responses['200'] as {
      content: Record<string, { schema: { $ref?: string; type?: string } }>;
    };
    expect(Object.keys(ok.content).sort()).toEqual(['application/json', 'text/csv']);
    expect(ok.content['application/json'].schema.$ref).toBe('#/components/schemas/AccessListDto');
    expect(ok.content['text/csv'].schema.type).toBe('string');
    expect(document.components?.schemas).toHaveProperty('AccessListDto');
    expect(document.components?.schemas).toHaveProperty('TimelineDto');
    const parameters = (operation('/audit/accesses').parameters ?? []).map((parameter) =>
      'name' in parameter ? parameter.name : '',
    );
    expect(parameters).toEqual(
      expect.arrayContaining(['actorId', 'patientId', 'outcome', 'from', 'to', 'limit', 'cursor']),
    );
  });
});
