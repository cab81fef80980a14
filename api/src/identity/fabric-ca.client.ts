import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { request } from 'node:https';
import { ComponentUnavailableError, DomainError } from '../common/domain-error.js';
import { signLowS } from '../crypto/ecdsa.js';

/** Node's own WebCrypto, given to @peculiar/x509 explicitly rather than through its global provider. */
const nodeCrypto = webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0];

/** The hospital's Fabric CA cannot be reached or answered with a server error. */
export class CertificateAuthorityUnavailableError extends ComponentUnavailableError {
  readonly code = 'CA_UNAVAILABLE';
}

/** The CA refused a request (for example an identity registered twice). */
export class CertificateAuthorityRefusedError extends DomainError {
  readonly code = 'CA_REFUSED';
  readonly status = 409;
}

/** An identity that may register others at a CA (its registrar). */
export interface Registrar {
  certificatePem: string;
  privateKeyPem: string;
}

export interface CertificateAuthority {
  /** `https://host:port` */
  url: string;
  caName: string;
  /** PEM of the certificate that signed the CA's TLS certificate. */
  tlsRootCertPem: string;
}

export interface Enrollment {
  enrollmentId: string;
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * A client of the Fabric CA REST API (register, enroll, revoke): the API enrolls each
 * user's ledger identity with their role and id as certificate attributes. Requests of a
 * registrar carry Fabric CA's token: the registrar's certificate and its ECDSA signature
 * over method, path, body and certificate.
 */
export class FabricCaClient {
  constructor(
    private readonly ca: CertificateAuthority,
    private readonly registrar: Registrar,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Registers a client identity whose enrollment certificates carry `attributes`. */
  async register(enrollmentId: string, secret: string, attributes: Record<string, string>): Promise<void> {
    await this.call('POST', '/api/v1/register', {
      id: enrollmentId,
      type: 'client',
      secret,
      affiliation: '',
      max_enrollments: -1,
      attrs: Object.entries(attributes).map(([name, value]) => ({ name, value, ecert: true })),
      caname: this.ca.caName,
    });
  }

  /** Enrolls with a fresh P-256 key generated here; the private key never leaves this process unsealed. */
  async enroll(enrollmentId: string, secret: string): Promise<Enrollment> {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create(
      { name: `CN=${enrollmentId}`, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } },
      nodeCrypto,
    );
    const result = (await this.call(
      'POST',
      '/api/v1/enroll',
      { certificate_request: csr.toString('pem'), caname: this.ca.caName },
      { basic: `${enrollmentId}:${secret}` },
    )) as { Cert?: string };
    if (typeof result.Cert !== 'string')
      throw new CertificateAuthorityUnavailableError('the CA answered an enrollment without a certificate');
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    return {
      enrollmentId,
      certificatePem: Buffer.from(result.Cert, 'base64').toString('utf8'),
      privateKeyPem: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
        .export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    };
  }

  /** Revokes every certificate of an identity and returns the CA's new CRL (PEM). */
  async revoke(enrollmentId: string, reason: string): Promise<string> {
    const result = (await this.call('POST', '/api/v1/revoke', {
      id: enrollmentId,
      reason,
      caname: this.ca.caName,
      gencrl: true,
    })) as { CRL?: string };
    return Buffer.from(result.CRL ?? '', 'base64').toString('utf8');
  }

  private call(method: string, path: string, body: unknown, auth?: { basic: string }): Promise<unknown> {
    const payload = Buffer.from(JSON.stringify(body));
    const authorization = auth
      ? `Basic ${Buffer.from(auth.basic).toString('base64')}`
      : this.token(method, path, payload);
    const url = new URL(path, this.ca.url);
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method,
          ca: this.ca.tlsRootCertPem,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': payload.length,
            Authorization: authorization,
          },
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            let answer: { success?: boolean; result?: unknown; errors?: Array<{ code?: number; message?: string }> };
            try {
              answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              reject(
                new CertificateAuthorityUnavailableError(
                  `the CA answered ${path} with HTTP ${response.statusCode} and no JSON`,
                ),
              );
              return;
            }
            if (answer.success) {
              resolve(answer.result ?? {});
              return;
            }
            const detail = (answer.errors ?? []).map((error) => `${error.code}: ${error.message}`).join('; ');
            const status = response.statusCode ?? 500;
            reject(
              status >= 500
                ? new CertificateAuthorityUnavailableError(`the CA failed ${path}: ${detail}`)
                : new CertificateAuthorityRefusedError(`the CA refused ${path}: ${detail}`),
            );
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from the CA within ${this.timeoutMs} ms`)));
      outgoing.on('error', (error) =>
        reject(
          new CertificateAuthorityUnavailableError(`the CA at ${this.ca.url} is unreachable: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      outgoing.end(payload);
    });
  }

  /** Fabric CA's authorization token: `<cert b64>.<ECDSA-SHA256 low-S signature b64>`. */
  private token(method: string, path: string, body: Buffer): string {
    const certificate = Buffer.from(this.registrar.certificatePem).toString('base64');
    const signed = `${method}.${Buffer.from(path).toString('base64')}.${body.toString('base64')}.${certificate}`;
    const key = createPrivateKey(this.registrar.privateKeyPem);
    const signature = signLowS(Buffer.from(signed), key);
    return `${certificate}.${signature.toString('base64')}`;
  }
}
