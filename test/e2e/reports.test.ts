import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { callApi, contentStoreApis, expectErrorEnvelope } from '../support/api.js';
import { phiText } from '../support/phi.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { openReport, uploadReport } from '../support/uploads.js';

describe.each(contentStoreApis())(
  'case reports on %s: encrypted upload recorded on the ledger, verified reads',
  (_store, apiUrl) => {
    const reportsApi = (path: string, init: RequestInit) => callApi(path, init, apiUrl);
    const upload = (...[doctor, fields, file, headers]: Parameters<typeof uploadReport>) =>
      uploadReport(doctor, fields, file, headers ?? {}, apiUrl);
    let doctor: SignedIn;
    let stranger: SignedIn;
    let patient: SignedIn;
    let admin: SignedIn;

    beforeAll(async () => {
      admin = await bootstrapAdmin('hospital-a');
      [doctor, stranger, patient] = await Promise.all([
        createStaff(admin, 'doctor'),
        createStaff(admin, 'doctor'),
        registerPatient(),
      ]);
      const assigned = await callApi('/api/v1/admin/care-assignments', {
        method: 'POST',
        ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
      });
      expect(assigned.status).toBe(201);
    });

    it('uploads as the caring doctor, opens as the patient with the exact bytes and the ledger headers, refuses a stranger', async () => {
      const bytes = randomBytes(200_000);
      const uploaded = await upload(
        doctor,
        { patientId: patient.id, type: 'imaging', title: 'Chest X-ray' },
        { bytes, name: 'xray.png', contentType: 'image/png' },
      );
      expect(uploaded.status).toBe(201);
      const report = uploaded.body as {
        id: string;
        cid: string;
        sha256: string;
        size: number;
        txId: string;
        blockNumber: string;
      };
      expect(report).toMatchObject({
        patientId: patient.id,
        type: 'imaging',
        title: 'Chest X-ray',
        cid: expect.stringMatching(/^baf[ky]/),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        txId: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const opened = await openReport(patient, report.id, apiUrl);
      expect(opened.status).toBe(200);
      expect(opened.bytes.equals(bytes)).toBe(true);
      expect(opened.headers.get('x-integrity-verified')).toBe('true');
      expect(opened.headers.get('x-ledger-verified')).toBe('true');
      expect(opened.headers.get('x-ledger-tx-id')).toBe(report.txId);
      expect(opened.headers.get('x-content-sha256')).toBe(report.sha256);
      expect(opened.headers.get('x-access-receipt-tx-id')).toMatch(/^[0-9a-f]{64}$/);
      expect(opened.headers.get('content-type')).toBe('image/png');

      const byAuthor = await openReport(doctor, report.id, apiUrl);
      expect(byAuthor.bytes.equals(bytes)).toBe(true);
      expect(byAuthor.headers.get('x-access-receipt-tx-id')).not.toBe(opened.headers.get('x-access-receipt-tx-id'));

      const refused = await openReport(stranger, report.id, apiUrl);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    });

    it('shows metadata with the ledger proof to the patient and the author, and lists what each may see', async () => {
      const uploaded = await upload(
        doctor,
        { patientId: patient.id, type: 'lab', title: 'Blood panel' },
        { bytes: randomBytes(1000), contentType: 'application/pdf' },
      );
      const report = uploaded.body as { id: string; cid: string; txId: string };
      const metadata = await reportsApi(`/api/v1/reports/${report.id}`, { headers: bearer(patient.accessToken) });
      expect(metadata.status).toBe(200);
      expect(metadata.body).toMatchObject({
        id: report.id,
        patientId: patient.id,
        authorId: doctor.id,
        type: 'lab',
        title: 'Blood panel',
        size: 1000,
        ledger: {
          txId: report.txId,
          cid: report.cid,
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          recordedAt: expect.any(String),
        },
      });
      expectErrorEnvelope(
        await reportsApi(`/api/v1/reports/${report.id}`, { headers: bearer(stranger.accessToken) }),
        404,
        'NOT_FOUND',
      );

      const mine = await reportsApi('/api/v1/reports?type=lab', { headers: bearer(patient.accessToken) });
      expect(mine.status).toBe(200);
      const items = (mine.body as { items: Array<{ id: string; type: string }> }).items;
      expect(items.map((item) => item.id)).toContain(report.id);
      expect(items.every((item) => item.type === 'lab')).toBe(true);
      const byAuthor = await reportsApi(`/api/v1/reports?patientId=${patient.id}`, {
        headers: bearer(doctor.accessToken),
      });
      expect((byAuthor.body as { items: Array<{ id: string }> }).items.map((item) => item.id)).toContain(report.id);
      const byStranger = await reportsApi(`/api/v1/reports?patientId=${patient.id}`, {
        headers: bearer(stranger.accessToken),
      });
      expect(byStranger.status).toBe(200);
      expect((byStranger.body as { items: unknown[] }).items).toEqual([]);
    });

    it('returns the first result for a repeated Idempotency-Key and records nothing twice', async () => {
      const key = randomUUID();
      const bytes = Buffer.from('structured note text');
      // The same request twice: one title for both (the helper's default is a fresh probe each time).
      const title = phiText('title', 'Note:');
      const first = await upload(
        doctor,
        { patientId: patient.id, type: 'note', title },
        { bytes, contentType: 'text/plain', name: 'n.txt' },
        { 'Idempotency-Key': key },
      );
      const second = await upload(
        doctor,
        { patientId: patient.id, type: 'note', title },
        { bytes, contentType: 'text/plain', name: 'n.txt' },
        { 'Idempotency-Key': key },
      );
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
    });

    it('refuses an Idempotency-Key reused for a different upload (409 IDEMPOTENCY_KEY_REUSED), recording nothing', async () => {
      const key = randomUUID();
      const first = await upload(
        doctor,
        { patientId: patient.id, type: 'note', title: 'First note' },
        { bytes: Buffer.from('first'), contentType: 'text/plain' },
        { 'Idempotency-Key': key },
      );
      expect(first.status).toBe(201);
      const other = await upload(
        doctor,
        { patientId: patient.id, type: 'note', title: 'Another note' },
        { bytes: Buffer.from('second'), contentType: 'text/plain' },
        { 'Idempotency-Key': key },
      );
      expectErrorEnvelope(other, 409, 'IDEMPOTENCY_KEY_REUSED');
      const listed = await reportsApi(`/api/v1/reports?patientId=${patient.id}&limit=100`, {
        headers: bearer(patient.accessToken),
      });
      const titles = (listed.body as { items: Array<{ title: string }> }).items.map((item) => item.title);
      expect(titles).not.toContain('Another note');
    });

    it.each([
      ['an empty file', { bytes: new Uint8Array(0) }, {}, 400],
      ['a type outside the allow-list', { bytes: Buffer.from('MZ'), contentType: 'application/x-msdownload' }, {}, 415],
      ['an unknown patient', { bytes: Buffer.from('x') }, { patientId: randomUUID() }, 404],
      ['a malformed patient id', { bytes: Buffer.from('x') }, { patientId: 'p-1' }, 400],
      ['an unknown report type', { bytes: Buffer.from('x') }, { type: 'poem' }, 400],
    ])('answers %s with a clear 4xx', async (_case, file, fields, status) => {
      const response = await upload(doctor, { patientId: patient.id, ...fields }, file);
      expectErrorEnvelope(response, status);
    });

    it('takes a structured case report as JSON, stores it encrypted like a file, and returns the exact document to the patient', async () => {
      const caseReport = {
        patientId: patient.id,
        title: phiText('title', 'Community-acquired pneumonia:'),
        diagnosis: phiText('diagnosis', 'Right lower lobe pneumonia,'),
        diagnosisCodes: ['J18.9'],
        findings: 'Fever 39.1 °C, crackles right base, CRP 180 mg/l',
        content: 'Admitted with three days of cough; treated with amoxicillin; afebrile after 48 h.',
        observedAt: '2026-11-02',
      };
      const uploaded = await reportsApi('/api/v1/reports', {
        method: 'POST',
        ...jsonBody(caseReport, bearer(doctor.accessToken)),
      });
      expect(uploaded.status).toBe(201);
      const report = uploaded.body as { id: string; type: string; title: string; sha256: string; size: number };
      expect(report).toMatchObject({ patientId: patient.id, type: 'report', title: caseReport.title });

      const opened = await openReport(patient, report.id, apiUrl);
      expect(opened.status).toBe(200);
      expect(opened.headers.get('content-type')).toMatch(/^application\/json/);
      expect(opened.headers.get('x-integrity-verified')).toBe('true');
      expect(createHash('sha256').update(opened.bytes).digest('hex')).toBe(report.sha256);
      expect(opened.bytes.length).toBe(report.size);
      expect(opened.body).toEqual({
        schema: 'medledger/case-report@1',
        ...caseReport,
        type: 'report',
        recommendations: null,
      });
      const metadata = await reportsApi(`/api/v1/reports/${report.id}`, { headers: bearer(patient.accessToken) });
      expect(metadata.body).toMatchObject({ contentType: 'application/json', sha256: report.sha256 });
    });

    it.each([
      [
        'missing fields',
        { patientId: undefined, diagnosis: undefined, findings: undefined, content: undefined },
        ['patientId', 'diagnosis', 'findings', 'content'],
      ],
      ['an unknown field', { extra: true }, ['extra']],
      ['a malformed diagnosis code', { diagnosisCodes: ['pneumonia'] }, ['diagnosisCodes']],
      ['a two-line title', { title: 'one\ntwo' }, ['title']],
      ['an impossible date', { observedAt: '2026-02-30' }, ['observedAt']],
      ['a number for text', { findings: 42 }, ['findings']],
    ])('refuses a JSON case report with %s: 400 naming the fields', async (_case, change, fields) => {
      // JSON leaves out the fields set to undefined.
      const body = { patientId: patient.id, title: 'T', diagnosis: 'D', findings: 'F', content: 'C', ...change };
      const response = await reportsApi('/api/v1/reports', {
        method: 'POST',
        ...jsonBody(body, bearer(doctor.accessToken)),
      });
      expectErrorEnvelope(response, 400, 'INVALID_INPUT');
      const named = (response.body as { errors: Array<{ field: string }> }).errors.map((error) => error.field);
      expect(named.sort()).toEqual([...fields].sort());
    });

    it('refuses a patient’s upload for someone else (403), an admin’s (403), one without a token (401), and a body that is neither multipart nor JSON (415)', async () => {
      expectErrorEnvelope(
        await upload(patient, { patientId: stranger.id }, { bytes: Buffer.from('x') }),
        403,
        'UPLOAD_FOR_ANOTHER_PATIENT',
      );
      expectErrorEnvelope(
        await upload(admin, { patientId: patient.id }, { bytes: Buffer.from('x') }),
        403,
        'FORBIDDEN',
      );
      expectErrorEnvelope(await reportsApi('/api/v1/reports', { method: 'POST', body: new FormData() }), 401);
      expectErrorEnvelope(
        await reportsApi('/api/v1/reports', {
          method: 'POST',
          headers: { ...bearer(doctor.accessToken), 'Content-Type': 'text/plain' },
          body: 'a report',
        }),
        415,
      );
      expectErrorEnvelope(
        await reportsApi('/api/v1/reports', {
          method: 'POST',
          headers: { ...bearer(doctor.accessToken), 'Content-Type': 'multipart/form-data; boundary=xyz' },
          body: '--xyz\r\nContent-Disposition: form-data; name="patientId"\r\n\r\nabc',
        }),
        400,
      );
    });
  },
);
