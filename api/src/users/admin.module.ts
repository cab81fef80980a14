import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { UsersModule } from './users.module.js';
import { AdminController } from './admin.controller.js';
import { AdminService } from './admin.service.js';

/** Account administration of a hospital by its admins. */
@Module({
  imports: [AuthModule, UsersModule, LedgerModule],
  controllers: [AdminController],
  providers: [AdminService],
})
export class AdminModule {}
