// Typed errors of the certificate authority part. Every message says what was wrong and, where
// there is one, what to do about it; callers can catch CaError for all of them.

/** Base class of every error thrown by src/auth/ca. */
export class CaError extends Error {
  override readonly name: string = "CaError";
}

/** SSH wire data, a key or an authorized_keys-style line that cannot be decoded. */
export class SshFormatError extends CaError {
  override readonly name = "SshFormatError";

  constructor(
    /** What was being read: "SSH certificate", "OpenSSH private key", ... */
    readonly what: string,
    readonly detail: string,
  ) {
    super(`invalid ${what}: ${detail}`);
  }
}

/** A request to sign an SSH certificate that cannot be honoured. */
export class SshSigningError extends CaError {
  override readonly name = "SshSigningError";
}

/** A request to create or issue an X.509 certificate that cannot be honoured. */
export class TlsCertificateError extends CaError {
  override readonly name = "TlsCertificateError";
}

/** Stored cluster CAs that cannot be loaded (damaged JSON, keys that do not match). */
export class ClusterCasError extends CaError {
  override readonly name = "ClusterCasError";
}

/** An identity file (tctl auth sign --out) that is damaged or incomplete. */
export class IdentityFileError extends CaError {
  override readonly name = "IdentityFileError";

  constructor(
    readonly source: string,
    readonly detail: string,
    /** 1-based line where the problem was found, when there is one. */
    readonly line?: number,
  ) {
    super(
      `${source}${line === undefined ? "" : `:${line}`}: ${detail} ` +
        `(make a new one with "tctl auth sign --user=NAME --out=FILE")`,
    );
  }
}
