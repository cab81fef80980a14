import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import {
  MarkedReadDto,
  NotificationDto,
  NotificationIdParams,
  NotificationListDto,
  NotificationListQuery,
} from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's notifications, newest first (`unread=true`: only unread ones, `false`: only read ones), and how many are unread. */
  @Roles('patient', 'doctor', 'auditor', 'admin')
  @Get()
  @ApiOkResponse({ type: NotificationListDto })
  @ApiErrors([400, '`unread` is not true or false, `limit` is out of range, or the cursor is not one this API issued'])
  async list(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: NotificationListQuery,
  ): Promise<NotificationListDto> {
    return NotificationListDto.from(await this.notifications.list(caller, query));
  }

  /** Marks all the caller's notifications read. */
  @Roles('patient', 'doctor', 'auditor', 'admin')
  @Post('read-all')
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedReadDto })
  async markAllRead(@CurrentUser() caller: AuthenticatedUser): Promise<MarkedReadDto> {
    return { marked: await this.notifications.markAllRead(caller) };
  }

  /** Marks one of the caller's notifications read (again: no change) and returns it. */
  @Roles('patient', 'doctor', 'auditor', 'admin')
  @Post(':id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationDto })
  @ApiErrors([400, 'The id is not a UUID'], [404, 'The caller has no notification with this id'])
  async markRead(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: NotificationIdParams,
  ): Promise<NotificationDto> {
    return NotificationDto.from(await this.notifications.markRead(caller, params.id));
  }
}
