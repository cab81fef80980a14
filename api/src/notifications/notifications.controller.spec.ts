import { jest } from '@jest/globals';
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
import type { Notification } from './notification-kinds.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';

const CALLER: AuthenticatedUser = { id: 'caller', role: 'doctor', hospital: 'hospital-a', sessionId: 's' };
const ID = '6f1d2c3b-4a59-4e8f-9d0c-1b2a3c4d5e6f';
const NOTIFICATION: Notification = {
  id: ID,
  kind: 'request-approved',
  subject: { type: 'access-request', id: '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b' },
  createdAt: new Date('2026-11-21T10:00:00.123Z'),
  readAt: new Date('2026-11-21T11:00:00.000Z'),
};

/** The routes over HTTP with the real validation pipe and error filter; the service mocked, the caller set as the guards would. */
describe('NotificationsController', () => {
  let app: INestApplication;
  const service = {
    list: jest.fn(async () => ({ items: [NOTIFICATION], nextCursor: null, unreadCount: 3 })),
    markRead: jest.fn(async (_caller: AuthenticatedUser, id: string): Promise<Notification> => {
      if (id !== ID) throw new NotFoundError('you have no notification with this id');
      return NOTIFICATION;
    }),
    markAllRead: jest.fn(async () => 4),
  };

  @Module({
    controllers: [NotificationsController],
    providers: [
      { provide: NotificationsService, useValue: service },
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

  afterAll(() => app.close());

  it('lists the feed with the unread count', async () => {
    const response = await request(app.getHttpServer()).get('/notifications?unread=true&limit=10').expect(200);
    expect(response.body).toEqual({
      items: [
        {
          id: ID,
          kind: 'request-approved',
          createdAt: '2026-11-21T10:00:00.123Z',
          readAt: '2026-11-21T11:00:00.000Z',
          subject: NOTIFICATION.subject,
        },
      ],
      nextCursor: null,
      unreadCount: 3,
    });
    expect(service.list).toHaveBeenLastCalledWith(CALLER, expect.objectContaining({ unread: true, limit: 10 }));
  });

  it.each(['yes', '1', ''])('answers 400 INVALID_INPUT to unread=%p', async (unread) => {
    const response = await request(app.getHttpServer()).get(`/notifications?unread=${unread}`).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
  });

  it('marks one read (200 with the notification), 404 NOT_FOUND for an id the caller has not, 400 for no UUID', async () => {
    await request(app.getHttpServer()).post(`/notifications/${ID}/read`).expect(200);
    const missing = await request(app.getHttpServer())
      .post('/notifications/00000000-0000-4000-8000-000000000000/read')
      .expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    await request(app.getHttpServer()).post('/notifications/not-a-uuid/read').expect(400);
  });

  it('marks all read: 200 with how many', async () => {
    await request(app.getHttpServer()).post('/notifications/read-all').expect(200, { marked: 4 });
  });

  it('declares in OpenAPI every status each route answers', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const statuses = (path: string, method: 'get' | 'post') =>
      Object.keys(document.paths[path][method]!.responses).sort();
    expect(statuses('/notifications', 'get')).toEqual(['200', '400', '401', '403', '503']);
    expect(statuses('/notifications/{id}/read', 'post')).toEqual(['200', '400', '401', '403', '404', '503']);
    expect(statuses('/notifications/read-all', 'post')).toEqual(['200', '401', '403', '503']);
  });
});
