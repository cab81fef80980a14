import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/page-query.dto.js';
import {
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationKind,
  SUBJECT_TYPES,
  type SubjectType,
} from './notification-kinds.js';
import type { NotificationPage } from './notifications.service.js';

/** `true` and `false` as query text become booleans; anything else stays as it came, for the validator to refuse. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `?unread=&limit=&cursor=` of the feed. */
export class NotificationListQuery extends PageQueryDto {
  /** `true`: only unread notifications; `false`: only read ones; absent: all. */
  @ApiProperty({ required: false, type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

export class NotificationIdParams {
  @IsUUID() id!: string;
}

export class NotificationSubjectDto {
  @ApiProperty({ enum: SUBJECT_TYPES }) type!: SubjectType;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

/** A notification: what happened, to which request or grant, when; never more (no PHI). */
export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: NotificationKind;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt!: string | null;
  @ApiProperty({ type: NotificationSubjectDto }) subject!: NotificationSubjectDto;

  static from(notification: Notification): NotificationDto {
    return {
      id: notification.id,
      kind: notification.kind,
      createdAt: notification.createdAt.toISOString(),
      readAt: notification.readAt?.toISOString() ?? null,
      subject: { type: notification.subject.type, id: notification.subject.id },
    };
  }
}

export class NotificationListDto {
  @ApiProperty({ type: [NotificationDto] }) items!: NotificationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  /** All the caller's unread notifications, whatever the filter and the page. */
  @ApiProperty() unreadCount!: number;

  static from(page: NotificationPage): NotificationListDto {
    return {
      items: page.items.map((notification) => NotificationDto.from(notification)),
      nextCursor: page.nextCursor,
      unreadCount: page.unreadCount,
    };
  }
}

export class MarkedReadDto {
  /** How many notifications were unread and are read now. */
  @ApiProperty() marked!: number;
}
