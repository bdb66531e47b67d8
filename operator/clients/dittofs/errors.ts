// Typed failures of talking to a DittoFS control plane, so the DittoServer controller can pick the
// condition reason; messages carry DittoFS's own `detail`, never a request body or a token.

/** No answer, a timeout, or a 5xx: the server is not (yet) there. */
export class DittoFsUnreachableError extends Error {
  override readonly name = "DittoFsUnreachableError";
}

/** 401 on login: the admin password is not the server's (someone changed it, or the Secret). */
export class DittoFsLoginRefusedError extends Error {
  override readonly name = "DittoFsLoginRefusedError";
}

/** A 4xx on a configuration call: DittoFS refused what we asked, with its own detail. */
export class DittoFsRefusedError extends Error {
  override readonly name = "DittoFsRefusedError";
  constructor(
    message: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(message);
  }
}

/** The `detail` (or `title`) of DittoFS's RFC 7807 problem answer, cut to one readable line. */
export function problemDetail(data: unknown): string {
  if (typeof data === "object" && data !== null) {
    const problem = data as { detail?: unknown; title?: unknown; error?: unknown };
    for (const field of [problem.detail, problem.error, problem.title]) {
      if (typeof field === "string" && field !== "") return field.slice(0, 512);
    }
  }
  return typeof data === "string" && data !== "" ? data.slice(0, 512) : "no detail";
}

/** DittoFS has the store but its own check fails (for S3: bucket, endpoint or credentials). */
export class DittoFsStoreUnhealthyError extends Error {
  override readonly name = "DittoFsStoreUnhealthyError";
}
