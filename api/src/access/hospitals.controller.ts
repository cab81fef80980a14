import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/public.decorator.js';
import { NETWORK_PROFILE, type NetworkProfile } from '../ledger/network-profile.js';

export class HospitalDto {
  /** The name the API uses (`hospital` of accounts, grants and care assignments). */
  @ApiProperty({ example: 'hospital-a' }) hospital!: string;
  /** The hospital's organisation on the ledger. */
  @ApiProperty({ example: 'HospitalAMSP' }) mspId!: string;
}

export class HospitalListDto {
  @ApiProperty({ type: [HospitalDto] }) items!: HospitalDto[];
}

/** The hospitals of the network: where patients register, and whom they can grant access to. */
@ApiTags('access')
@Controller('hospitals')
export class HospitalsController {
  constructor(@Inject(NETWORK_PROFILE) private readonly network: NetworkProfile) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: HospitalListDto })
  list(): HospitalListDto {
    return { items: this.network.hospitals.map(({ hospital, mspId }) => ({ hospital, mspId })) };
  }
}
