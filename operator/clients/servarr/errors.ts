// Typed failures of talking to Sonarr, Radarr or Prowlarr, so the MediaStack wiring can name the link
// and the reason. Built from status codes and the app's own validation messages: never a request body.

/** Connection refused, timeout, DNS failure, or a 5xx answer: the app is not (yet) there. */
export class ServarrUnreachableError extends Error {
  override readonly name = "ServarrUnreachableError";
}

/** 401: the X-Api-Key is not the app's key. */
export class ServarrUnauthorizedError extends Error {
  override readonly name = "ServarrUnauthorizedError";
}

/** One entry of the 400 answer the apps give for a failed validation or save-time test. */
export interface ServarrValidationFailure {
  readonly propertyName?: string;
  readonly errorMessage?: string;
  readonly isWarning?: boolean;
}

/** 400 with the app's validation failures (a save-time test that failed is one of them). */
export class ServarrValidationError extends Error {
  override readonly name = "ServarrValidationError";
  constructor(
    message: string,
    readonly failures: readonly ServarrValidationFailure[],
  ) {
    super(message);
  }
}

/** Any other refusal (404, 405, 409, ...). */
export class ServarrRejectedError extends Error {
  override readonly name = "ServarrRejectedError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The app's failures as one line: "Host: Unable to connect to qBittorrent; Username: ...". */
export function describeFailures(failures: readonly ServarrValidationFailure[]): string {
  return failures
    .map((failure) =>
      failure.propertyName
        ? `${failure.propertyName}: ${failure.errorMessage ?? ""}`
        : (failure.errorMessage ?? ""),
    )
    .filter((line) => line !== "")
    .join("; ")
    .slice(0, 1024);
}
