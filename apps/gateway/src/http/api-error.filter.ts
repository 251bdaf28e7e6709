import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InputError } from '../messages/message-input';
import { UnauthorizedError } from '@app/access';
import { RateLimitedError } from '../access/rate-limiter';
import { OverloadedError } from '../messages/message-intake.service';

interface ApiError {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** Every HTTP error as {"error": {"code", "message"}} with a machine-readable code. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = toApiError(exception);
    if (error.status >= 500) this.logger.error(`${error.code}: ${(exception as Error)?.stack ?? String(exception)}`);
    send(res, error);
  }
}

/** Express error middleware right after the body parser, so its errors keep their own codes. */
export function bodyParserErrorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (!(error as { type?: string })?.type) return next(error);
  send(res, toApiError(error));
}

function send(res: Response, error: ApiError): void {
  res
    .status(error.status)
    .set(error.headers ?? {})
    .json({ error: { code: error.code, message: error.message } });
}

export function toApiError(exception: unknown): ApiError {
  if (exception instanceof InputError) return { status: exception.status, code: exception.code, message: exception.message };
  if (exception instanceof UnauthorizedError) {
    return { status: 401, code: 'unauthorized', message: exception.message, headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  if (exception instanceof RateLimitedError) {
    return {
      status: 429,
      code: 'rate_limited',
      message: exception.message,
      headers: { 'Retry-After': String(exception.retryAfterSeconds) },
    };
  }
  if (exception instanceof OverloadedError) {
    return { status: 503, code: 'overloaded', message: exception.message, headers: { 'Retry-After': String(exception.retryAfterSeconds) } };
  }
  // body-parser errors arrive with a type and status.
  const bodyError = exception as { type?: string; status?: number; message?: string };
  if (bodyError?.type === 'entity.too.large') return { status: 413, code: 'body_too_large', message: 'the request body is too large' };
  if (bodyError?.type === 'entity.parse.failed') return { status: 400, code: 'invalid_json', message: 'the body is not valid JSON' };
  if (bodyError?.type === 'entity.verify.failed') return { status: 400, code: 'invalid_utf8', message: 'the body is not valid UTF-8' };
  if (bodyError?.type === 'encoding.unsupported' || bodyError?.type === 'charset.unsupported') {
    return { status: 415, code: 'unsupported_encoding', message: bodyError.message ?? 'unsupported encoding' };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, code: status === 404 ? 'not_found' : `http_${status}`, message: exception.message };
  }
  return { status: 500, code: 'internal', message: 'internal error' };
}
