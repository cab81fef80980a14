import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { LedgerAnswers } from '../common/ledger-answers.decorator.js';
import { InvalidInputError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { validateInput } from '../common/validation.js';
import { readMultipartUpload, type ReportFile } from './multipart-upload.js';
import { ReportReaderService } from './report-reader.service.js';
import {
  CaseReportDto,
  ReportDto,
  ReportFieldsDto,
  ReportIdParams,
  ReportListDto,
  ReportListQuery,
  ReportMetadataDto,
  VerificationDto,
} from './reports.dto.js';
import { ReportVerifierService } from './report-verifier.service.js';
import { ReportsQueryService } from './reports-query.service.js';
import { UploadService } from './upload.service.js';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly config: AppConfig,
    private readonly uploads: UploadService,
    private readonly reader: ReportReaderService,
    private readonly queries: ReportsQueryService,
    private readonly verifier: ReportVerifierService,
  ) {}

  /**
   * Uploads a record for a patient: a file (multipart: `patientId`, `type`, `title`, then
   * `file`) or a structured case report (`application/json`, see CaseReportDto). A doctor
   * writes for a patient in their care or under their grant; a patient adds records of
   * their own only (marked patient-provided; 403 UPLOAD_FOR_ANOTHER_PATIENT otherwise,
   * before anything is stored). Streamed, encrypted, stored on IPFS and recorded on the
   * ledger as the author.
   */
  @Roles('doctor', 'patient')
  @Post()
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(CaseReportDto) }] }, description: 'or multipart/form-data' })
  @ApiExtraModels(CaseReportDto)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key again returns the first result' })
  @ApiCreatedResponse({ type: ReportDto })
  async upload(
    @CurrentUser() caller: AuthenticatedUser,
    @Req() request: Request,
  ): Promise<ReportDto> {
    // Read here rather than with @Headers, which would document a second, required header.
    const idempotencyKey = request.get('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw new InvalidInputError('Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    let fields: ReportFieldsDto;
    let file: ReportFile;
    if (request.is('application/json')) {
      const report = await validateInput(CaseReportDto, request.body);
      fields = report;
      file = {
        stream: Readable.from([report.toDocument()]),
        fileName: 'case-report.json',
        contentType: 'application/json',
      };
    } else {
      const upload = await readMultipartUpload(request, this.config.UPLOAD_MAX_BYTES);
      fields = await validateInput(ReportFieldsDto, upload.fields);
      file = upload.file;
    }
    return ReportDto.fromSaga(await this.uploads.upload(caller, fields, file, idempotencyKey ?? null));
  }

  /** Reports the caller may see: a patient's own; a doctor's for `patientId` (what they may open) or their own writing. */
  @Roles('patient', 'doctor')
  @Get()
  @ApiOkResponse({ type: ReportListDto })
  async list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ReportListQuery): Promise<ReportListDto> {
    const page = await this.queries.list(caller, { ...query, limit: query.limit ?? 50 });
    return { items: page.items.map((view) => ReportMetadataDto.from(view)), nextCursor: page.nextCursor };
  }

  /** Metadata and the ledger proof of a report: for its patient, its author and grantees. */
  @Roles('patient', 'doctor')
  @Get(':id')
  @ApiOkResponse({ type: ReportMetadataDto })
  async get(@CurrentUser() caller: AuthenticatedUser, @Param() params: ReportIdParams): Promise<ReportMetadataDto> {
    return ReportMetadataDto.from(await this.queries.get(caller, params.id));
  }

  /**
   * Checks the stored report against the ledger without releasing content: CID, ciphertext
   * digest, stored record; and, except for auditors, every chunk and the plaintext commitment.
   */
  @Roles('patient', 'doctor', 'auditor')
  @Post(':id/verify')
  @HttpCode(200)
  @ApiOkResponse({ type: VerificationDto })
  async verify(@CurrentUser() caller: AuthenticatedUser, @Param() params: ReportIdParams): Promise<VerificationDto> {
    const result = await this.verifier.verify(caller, params.id);
    const { ledger } = result;
    return {
      verified: result.verified,
      checks: result.checks,
      ledger: {
        txId: ledger.txId,
        blockNumber: null,
        cid: ledger.cid,
        sha256: ledger.ciphertextSha256,
        recordedAt: ledger.recordedAt,
      },
    };
  }

  /**
   * The file, decrypted and verified chunk by chunk; opening it is itself a ledger
   * transaction (the access receipt). Every role may ask and the chaincode decides:
   * auditors and admins never open content, and their attempts, like every refused
   * opening, are recorded on the ledger.
   */
  @Roles('patient', 'doctor', 'auditor', 'admin')
  @Get(':id/content')
  @ApiOkResponse({ description: 'The file, with integrity and ledger headers' })
  @LedgerAnswers(400, 404, 422)
  async content(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: ReportIdParams,
    @Res() response: Response,
  ): Promise<void> {
    const opened = await this.reader.open(caller, params.id);
    const { report } = opened;
    response.status(200);
    response.setHeader('Content-Type', report.contentType);
    response.setHeader('Content-Length', String(report.plaintextSize));
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="${(report.fileName ?? `${report.id}`).replace(/[^\w.-]/g, '_')}"`,
    );
    response.setHeader('X-Integrity-Verified', 'true');
    response.setHeader('X-Ledger-Verified', 'true');
    response.setHeader('X-Ledger-Tx-Id', report.txId);
    // Null only once the patient's content was erased, when opening it already failed.
    if (report.plaintextSha256) response.setHeader('X-Content-SHA256', report.plaintextSha256);
    response.setHeader('X-Access-Receipt-Tx-Id', opened.receiptTxId);
    try {
      for await (const chunk of opened.content) {
        if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
      }
      response.end();
    } catch {
      // A later chunk failed verification: no unverified byte was sent; cut the transfer short.
      response.destroy();
    }
  }
}
