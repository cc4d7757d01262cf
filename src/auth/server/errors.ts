// Typed errors of the auth server: ApiError is what a route answers with; AuthStartError stops
// the auth service from starting, with what to do about it.

/** An answer other than success: HTTP status, a stable code for programs, a message for people. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, "bad_request", message);
export const unauthenticated = (message: string): ApiError =>
  new ApiError(401, "unauthenticated", message);
export const accessDenied = (message: string): ApiError =>
  new ApiError(403, "access_denied", message);
export const notFound = (message: string): ApiError => new ApiError(404, "not_found", message);
export const conflict = (message: string): ApiError => new ApiError(409, "conflict", message);

/** The auth service cannot start: bad state on disk, a name that changed, a port in use. */
export class AuthStartError extends Error {
  override name = "AuthStartError";
}

/** The configured cluster name differs from the one the cluster was created with. */
export class ClusterNameMismatchError extends AuthStartError {
  override name = "ClusterNameMismatchError";

  constructor(
    readonly configured: string,
    readonly stored: string,
    backendPath: string,
  ) {
    super(
      `auth_service.cluster_name is "${configured}" but this cluster was created as "${stored}" ` +
        `(stored in ${backendPath}): a cluster cannot be renamed; set cluster_name: ${stored}, ` +
        "or start a new cluster with an empty data_dir",
    );
  }
}
