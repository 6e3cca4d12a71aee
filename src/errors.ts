/**
 * Errors of the services layer (everything in src outside the HTTP layer: automations,
 * connections, security, Temporal access, configuration, CLI). Each class has a `name`
 * and its context as readonly fields. The API translates them into HTTP answers in one
 * place (`toApiError` in src/api/errors.ts). The other layers have their own file:
 * connectors/sdk/errors.ts (SDK), workflows/errors.ts (workflows), src/api/errors.ts (API).
 *
 * An {@link ApiError} carries the HTTP status and the machine-readable code that the
 * error middleware puts into `{ "error": { "code", "message", "details"? } }`.
 */
import { ConnectorError } from '../connectors/sdk/errors.ts';

/** Thrown by API handlers to answer with a given status and code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'NOT_FOUND', `${what} not found`);
export const badRequest = (message: string, details?: unknown): ApiError =>
  new ApiError(400, 'INVALID_INPUT', message, details);
export const conflict = (message: string): ApiError => new ApiError(409, 'CONFLICT', message);

/** Thrown when Temporal did not accept the start. */
export class IngestionStartError extends Error {
  override readonly name = 'IngestionStartError';
}

/**
 * Thrown when an idempotency key already names a run that was started by a different
 * request (another body). Nothing was started; the API answers 422.
 */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly workflowId: string) {
    super(`Idempotency-Key was already used for a different request (run ${workflowId}); use a new key for a new request`);
  }
}

/** Thrown when versioning is asked for where no build id can be derived. */
export class WorkerDeploymentError extends Error {
  override readonly name = 'WorkerDeploymentError';
}

/**
 * Thrown when Temporal did not accept or answer a start within the deadline (down,
 * unreachable, overloaded). Callers answer 503 and let the sender retry.
 *
 * @example
 * try { await sb.emitEvent(input); } catch (err) { if (err instanceof TemporalUnavailableError) retryLater(); }
 */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown when an explicitly configured binary path is unusable. */
export class TemporalToolError extends Error {
  override readonly name = 'TemporalToolError';
}

/** Thrown when an environment variable has an invalid value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

/** Thrown at start-up when the database has migrations this build needs but does not have. */
export class DatabaseNotMigratedError extends Error {
  override readonly name = 'DatabaseNotMigratedError';
  constructor(readonly pending: readonly string[]) {
    super(
      `the database is not migrated (${pending.length} migration${pending.length === 1 ? '' : 's'} pending, e.g. ${pending[0]}): run \`switchboard migrate\` first`,
    );
  }
}

/** Thrown when an envelope cannot be decrypted (wrong or missing key, tampering). */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  constructor(
    message: string,
    readonly keyId: string | undefined,
  ) {
    super(message);
  }
}

/** Thrown when a master key is malformed. */
export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

/** Thrown when stored secrets are under master keys the keyring does not hold. */
export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
  constructor(
    readonly unknownKeyIds: readonly string[],
    readonly configuredKeyIds: readonly string[],
  ) {
    super(
      `stored secrets are encrypted with master key ${unknownKeyIds.join(', ')}, which SWITCHBOARD_MASTER_KEY does not hold ` +
        `(configured: ${configuredKeyIds.join(', ')}); nothing was stored. Set the key the secrets were written with ` +
        '(list the old key after a new one while rotating)',
    );
  }
}

/** Thrown for a malformed, forged or expired token. */
export class ApprovalLinkError extends Error {
  override readonly name = 'ApprovalLinkError';
}

/** One problem of a definition: where (`steps[0].connection`) and what. */
export interface DefinitionIssue {
  path: string;
  message: string;
}

/**
 * Thrown when a definition is invalid; `issues` lists every problem with its path
 * (the API's error `details`), `problems` the same as `path: message` lines.
 */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  readonly issues: DefinitionIssue[];
  constructor(problems: (string | DefinitionIssue)[]) {
    const issues = problems.map(toIssue);
    super(`invalid automation definition: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }

  get problems(): string[] {
    return this.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

/** Thrown for a definition file the CLI cannot send (unreadable, not YAML/JSON, no name). */
export class DefinitionFileError extends Error {
  override readonly name = 'DefinitionFileError';
}

/**
 * Thrown when an action's result fails its output schema: the provider answered
 * something the action cannot vouch for (code UPSTREAM_5XX), and a retry would not
 * change it, so it is not retried.
 */
export class OutputInvalidError extends ConnectorError {
  constructor(message: string) {
    super('UPSTREAM_5XX', message);
  }
  override get retryable(): boolean {
    return false;
  }
}

/** `"steps[0] (a).when: message"` → `{ path, message }` (paths never contain `": "`). */
function toIssue(problem: string | DefinitionIssue): DefinitionIssue {
  if (typeof problem !== 'string') return problem;
  const at = problem.indexOf(': ');
  return at < 0 ? { path: '(root)', message: problem } : { path: problem.slice(0, at), message: problem.slice(at + 2) };
}

/**
 * Thrown when an OAuth2 provider refused a code exchange or a refresh, or could not be
 * reached; `error` is the provider's OAuth error code (`invalid_grant`, …) or
 * `unreachable` / `invalid_response`. The message carries the provider's text, never a token.
 */
export class OAuthProviderError extends Error {
  override readonly name = 'OAuthProviderError';
  readonly error: string;
  readonly status: number | undefined;
  constructor(message: string, opts: { error: string; status?: number | undefined }) {
    super(message);
    this.error = opts.error;
    this.status = opts.status;
  }
}

/**
 * Thrown by the OAuth callback for a `state` that is unknown, already used or expired, or a
 * flow the provider or the token exchange ended: nothing was stored. `status` is the page's.
 */
export class OAuthCallbackError extends Error {
  override readonly name = 'OAuthCallbackError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
