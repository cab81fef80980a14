import { BadRequestException } from '@nestjs/common';
import { validateInput } from '../common/validation.js';
import { NotificationDto, NotificationIdParams, NotificationListQuery } from './notifications.dto.js';

describe('NotificationListQuery', () => {
  it('reads unread=true and unread=false as booleans, and leaves it out when absent', async () => {
    await expect(validateInput(NotificationListQuery, { unread: 'true' })).resolves.toMatchObject({ unread: true });
    await expect(validateInput(NotificationListQuery, { unread: 'false' })).resolves.toMatchObject({ unread: false });
    expect((await validateInput(NotificationListQuery, {})).unread).toBeUndefined();
  });

  it.each(['yes', '1', 'TRUE', '', 'true,false'])('refuses unread=%p', async (unread) => {
    await expect(validateInput(NotificationListQuery, { unread })).rejects.toBeInstanceOf(BadRequestException);
  });

  it('takes the page limit and cursor of every list', async () => {
    const cursor = 'AAAAAZLvyJgAC5n2wR5KV0wdmj5fLYx7';
    await expect(validateInput(NotificationListQuery, { limit: '20', cursor })).resolves.toMatchObject({
      limit: 20,
      cursor,
    });
    await expect(validateInput(NotificationListQuery, { limit: '0' })).rejects.toBeInstanceOf(BadRequestException);
  });

  it.each(['1.5', '0x10', ' 5', '1e1', ''])('refuses limit=%p: a whole number, as the document says', async (limit) => {
    await expect(validateInput(NotificationListQuery, { limit })).rejects.toBeInstanceOf(BadRequestException);
  });

  it('refuses a cursor not of the form the API issues (32 base64url characters)', async () => {
    await expect(validateInput(NotificationListQuery, { cursor: 'abc' })).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('NotificationIdParams', () => {
  it('wants a UUID', async () => {
    await expect(validateInput(NotificationIdParams, { id: 'abc' })).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('NotificationDto.from', () => {
  it('shows ids, the kind and the times only', () => {
    const createdAt = new Date('2026-11-21T10:00:00.123Z');
    expect(
      NotificationDto.from({
        id: 'b9d6c1a2-0e4f-4a3b-9c8d-7e6f5a4b3c2d',
        kind: 'grant-revoked',
        subject: { type: 'grant', id: 'c0ffee00-0000-4000-8000-000000000001' },
        createdAt,
        readAt: null,
      }),
    ).toEqual({
      id: 'b9d6c1a2-0e4f-4a3b-9c8d-7e6f5a4b3c2d',
      kind: 'grant-revoked',
      createdAt: '2026-11-21T10:00:00.123Z',
      readAt: null,
      subject: { type: 'grant', id: 'c0ffee00-0000-4000-8000-000000000001' },
    });
  });
});
