import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Readable, pipeline } from 'node:stream';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ApiRequestBody } from '../common/openapi-document.js';
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
  ReportUploadFormDto,
  VerificationDto,
} from './reports.dto.js';
import { ALLOWED_CONTENT_TYPES } from './report-kinds.js';
import { ReportVerifierService } from './report-verifier.service.js';
import { ReportsQueryService } from './reports-query.service.js';
import { UploadService } from './upload.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

/** The headers of an opened report's content. */
const CONTENT_HEADERS = {
  'X-Integrity-Verified': {
    description: 'Every chunk was verified',
    required: true,
    schema: { type: 'string', enum: ['true'] },
  },
  'X-Ledger-Verified': {
    description: 'The record matches the ledger',
    required: true,
    schema: { type: 'string', enum: ['true'] },
  },
  'X-Ledger-Tx-Id': {
    description: 'The transaction that recorded the report',
    required: true,
    schema: { type: 'string' },
  },
  'X-Content-SHA256': {
    description: 'SHA-256 of the content (hex)',
    schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
  'X-Access-Receipt-Tx-Id': {
    description: 'The transaction that recorded this opening (the access receipt)',
    required: true,
    schema: { type: 'string' },
  },
  'Content-Disposition': { description: 'attachment, with the file name', required: true, schema: { type: 'string' } },
};

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
   * ledger as the author. The text fields go before the file (400 FIELDS_AFTER_FILE
   * otherwise); a doctor the chaincode would refuse gets 403 before anything is stored; an
   * upload that stops sending for UPLOAD_IDLE_TIMEOUT_SECONDS gets 408 UPLOAD_STALLED.
   */
  @Roles('doctor', 'patient')
  @Post()
  @RateLimit('upload')
  @ApiRequestBody({
    description: 'A file with its fields (multipart, the fields before the file), or a structured case report (JSON)',
    content: {
      'multipart/form-data': {
        schema: { $ref: getSchemaPath(ReportUploadFormDto) },
        encoding: { file: { contentType: [...ALLOWED_CONTENT_TYPES].join(', ') } },
      },
      'application/json': { schema: { $ref: getSchemaPath(CaseReportDto) } },
    },
    models: [ReportUploadFormDto, CaseReportDto],
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'The same key again returns the first result',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
  })
  @ApiCreatedResponse({ type: ReportDto })
  @ApiErrors(
    [400, 'Invalid fields (listed), an empty file, a malformed multipart body, or a malformed Idempotency-Key'],
    [
      403,
      'UPLOAD_FOR_ANOTHER_PATIENT: a patient adds records of their own only; FORBIDDEN: the doctor may not write for the patient',
    ],
    [404, 'PATIENT_NOT_FOUND: no patient has this id'],
    [
      409,
      'IDEMPOTENCY_KEY_REUSED: the key was used for another upload; UPLOAD_IN_PROGRESS: one with this key is still being completed; CONTENT_ERASED: the patient’s content was erased',
    ],
    [413, 'PAYLOAD_TOO_LARGE: the file is larger than the configured limit'],
    [415, 'UNSUPPORTED_MEDIA_TYPE: neither multipart/form-data nor JSON, or a file type the API does not take'],
  )
  async upload(@CurrentUser() caller: AuthenticatedUser, @Req() request: Request): Promise<ReportDto> {
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
      // The text fields are read once, at the file part, and checked before a byte is stored.
      ({ fields, file } = await readMultipartUpload(request, {
        maxFileBytes: this.config.UPLOAD_MAX_BYTES,
        idleTimeoutMs: this.config.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000,
        checkFields: (received) => validateInput(ReportFieldsDto, received),
      }));
    }
    return ReportDto.fromSaga(await this.uploads.upload(caller, fields, file, idempotencyKey ?? null));
  }

  /** Reports the caller may see: a patient's own; a doctor's for `patientId` (what they may open) or their own writing. */
  @Roles('patient', 'doctor')
  @Get()
  @ApiOkResponse({ type: ReportListDto })
  @ApiErrors(
    [400, 'A filter or `limit` out of range, or a cursor this API did not issue'],
    [404, 'No patient of the caller has the `patientId`'],
  )
  async list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ReportListQuery): Promise<ReportListDto> {
    const page = await this.queries.list(caller, {
      patientId: query.patientId,
      types: query.type === undefined ? undefined : [query.type],
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
    return { items: page.items.map((view) => ReportMetadataDto.from(view)), nextCursor: page.nextCursor };
  }

  /** Metadata and the ledger proof of a report: for its patient, its author and grantees. */
  @Roles('patient', 'doctor')
  @Get(':id')
  @ApiOkResponse({ type: ReportMetadataDto })
  @ApiErrors([400, 'The id is not a UUID'], [404, 'No report the caller may see has this id'])
  async get(@CurrentUser() caller: AuthenticatedUser, @Param() params: ReportIdParams): Promise<ReportMetadataDto> {
    return ReportMetadataDto.from(await this.queries.get(caller, params.id));
  }

  /**
   * Checks the stored report against the ledger without releasing content: CID, ciphertext
   * digest, stored record; and, except for auditors, every chunk and the plaintext commitment.
   */
  @Roles('patient', 'doctor', 'auditor')
  @Post(':id/verify')
  @RateLimit('verify')
  @HttpCode(200)
  @ApiOkResponse({ type: VerificationDto })
  @ApiErrors([400, 'The id is not a UUID'], [404, 'No report the caller may see has this id'], 410, [
    422,
    'INTEGRITY_FAILED: the stored content cannot be checked against the ledger',
  ])
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
  @RateLimit('content')
  @ApiOkResponse({
    description: 'The file, decrypted and verified, in the content type it was uploaded with',
    content: Object.fromEntries([...ALLOWED_CONTENT_TYPES].map((type) => [type, {}])),
    headers: CONTENT_HEADERS,
  })
  @ApiErrors([400, 'The id is not a UUID'], [404, 'Unknown, or not visible to the caller'], 410, 422)
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
    // A client that goes away mid-transfer ends the read at once: the IPFS stream, the
    // decryption and the keys are released, not left waiting for a 'drain' that never comes.
    response.once('close', opened.release);
    await new Promise<void>((resolve) =>
      // A later chunk that fails verification (no unverified byte was sent) or a failing
      // store cuts the transfer short: pipeline destroys the response.
      pipeline(Readable.from(opened.content, { objectMode: false }), response, () => {
        opened.release();
        resolve();
      }),
    );
  }
}
