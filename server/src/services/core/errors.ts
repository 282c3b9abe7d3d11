/**
 * Typed domain errors thrown by service verbs. They know nothing of HTTP; the app's one
 * error handler (http/problem.ts) maps each `code` to a status and a problem+json body.
 */
import type { GateFailure, LocalizedText, Problem, Rejection } from '@closeloop/engine';
import type { ProblemCode } from './problem-codes.ts';

export type ErrorDetail = {
  /** Validation-style entries: where and what. */
  errors?: Array<{
    path?: string;
    code?: string;
    message: LocalizedText | string;
    fields?: string[];
  }>;
  /** Extra members for the problem body (e.g. the current record on a stale write). */
  extra?: Record<string, unknown>;
};

export class DomainError extends Error {
  readonly code: ProblemCode;
  readonly detail: ErrorDetail;
  constructor(code: ProblemCode, message: string, detail: ErrorDetail = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.detail = detail;
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string) {
    super('not-found', `${what} ${id} not found`);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'you may not do this') {
    super('forbidden', message);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'sign in first') {
    super('unauthenticated', message);
  }
}

/** The command named an old record version; carries the current record. */
export class StaleVersion extends DomainError {
  constructor(current: unknown, expected: number, actual: number) {
    super('stale-version', `the record is at version ${actual}, not ${expected}`, {
      extra: { record: current, currentVersion: actual },
    });
  }
}

export class GateFailed extends DomainError {
  readonly failures: GateFailure[];
  constructor(failures: GateFailure[], message: string) {
    super('gate-failed', message, {
      errors: failures.map((f) => ({
        path: f.path,
        code: f.operator,
        message: f.message,
        fields: f.fields,
      })),
      extra: { failures },
    });
    this.failures = failures;
  }
}

/** The engine refused a command for a reason other than a gate. */
export class CommandRejected extends DomainError {
  constructor(rejection: Rejection) {
    super(rejection.code, rejection.message.en, {
      errors: rejection.failures.map((f) => ({
        path: f.path,
        code: f.operator,
        message: f.message,
        fields: f.fields,
      })),
      extra: { reason: rejection.message },
    });
  }
}

export class Conflict extends DomainError {
  constructor(code: ProblemCode, message: string, detail: ErrorDetail = {}) {
    super(code, message, detail);
  }
}

export class Invalid extends DomainError {
  constructor(code: ProblemCode, message: string, detail: ErrorDetail = {}) {
    super(code, message, detail);
  }
}

/** An SOP document that does not parse or validate. */
export class SopInvalid extends DomainError {
  constructor(problems: Problem[]) {
    super('sop-invalid', `the SOP document has ${problems.length} problem(s)`, {
      errors: problems.map((p) => ({ path: p.path, code: p.code, message: p.message })),
      extra: { problems },
    });
  }
}

export function rejectionError(rejection: Rejection): DomainError {
  if (rejection.code === 'gate-failed')
    return new GateFailed(rejection.failures, rejection.message.en);
  if (rejection.code === 'role-not-allowed') return new Forbidden(rejection.message.en);
  return new CommandRejected(rejection);
}
