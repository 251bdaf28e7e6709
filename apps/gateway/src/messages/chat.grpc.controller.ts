import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod, RpcException } from '@nestjs/microservices';
import { status, type Metadata } from '@grpc/grpc-js';
import { Observable, Subject } from 'rxjs';
import { APP_CONFIG } from '@app/config';
import { UnauthorizedError } from '@app/access';
import { GatewayAccess } from '../access/gateway-access.service';
import { RateLimitedError } from '../access/rate-limiter';
import type { GatewayConfig } from '../gateway.config';
import { InputError, parseMessageInput } from './message-input';
import { MessageIntakeService, OverloadedError, type MessageResult } from './message-intake.service';
import type { NluTaskView } from './nlu-view';

/** chat.v1.SendMessageRequest as @grpc/proto-loader hands it over (camelCase, defaults filled). */
interface SendMessageRequest {
  conversationId: string;
  userId: string;
  text: string;
  clientMessageId: string;
  deadlineMs: number;
}

interface SendMessageResponse {
  messageId: string;
  conversationId: string;
  clientMessageId: string;
  reply?: { text: string; source: string; reason: string; latencyMs: number; fallback: boolean };
  nlu: Record<string, NluTaskView>;
  error?: { code: string; message: string };
}

/** gRPC face of the gateway: same validation and pipeline as POST /v1/messages. */
@Controller()
export class ChatGrpcController {
  constructor(
    private readonly intake: MessageIntakeService,
    private readonly access: GatewayAccess,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @GrpcMethod('ChatService', 'SendMessage')
  async sendMessage(request: SendMessageRequest, metadata: Metadata): Promise<SendMessageResponse> {
    try {
      const key = this.access.authenticate(credential(metadata));
      return toResponse(await this.intake.handle(this.admit(request, key), 'grpc', key));
    } catch (error) {
      throw toRpcException(error);
    }
  }

  /** One reply per message, in the order the messages came for each conversation. */
  @GrpcStreamMethod('ChatService', 'Converse')
  converse(requests: Observable<SendMessageRequest>, metadata: Metadata): Observable<SendMessageResponse> {
    const responses = new Subject<SendMessageResponse>();
    let key: string | undefined;
    try {
      // The stream's key is checked once, when it opens.
      key = this.access.authenticate(credential(metadata));
    } catch (error) {
      responses.error(toRpcException(error));
      return responses.asObservable();
    }
    const lastByConversation = new Map<string, Promise<void>>();
    const inFlight = new Set<Promise<void>>();
    let inputDone = false;
    const completeIfDone = () => {
      if (inputDone && inFlight.size === 0) responses.complete();
    };
    requests.subscribe({
      next: (request) => {
        const previous = lastByConversation.get(request.conversationId) ?? Promise.resolve();
        const answer = this.answer(request, key);
        const emitted = previous.then(async () => responses.next(await answer));
        lastByConversation.set(request.conversationId, emitted);
        inFlight.add(emitted);
        void emitted.finally(() => {
          inFlight.delete(emitted);
          if (lastByConversation.get(request.conversationId) === emitted) lastByConversation.delete(request.conversationId);
          completeIfDone();
        });
      },
      error: (error) => responses.error(error),
      complete: () => {
        inputDone = true;
        completeIfDone();
      },
    });
    return responses.asObservable();
  }

  /** A stream carries its errors in-band so one bad message does not end the conversation. */
  private async answer(request: SendMessageRequest, key: string | undefined): Promise<SendMessageResponse> {
    try {
      return toResponse(await this.intake.handle(this.admit(request, key), 'grpc', key));
    } catch (error) {
      const code =
        error instanceof InputError
          ? error.code
          : error instanceof OverloadedError
            ? 'overloaded'
            : error instanceof RateLimitedError
              ? 'rate_limited'
              : 'internal';
      return {
        messageId: '',
        conversationId: request.conversationId,
        clientMessageId: request.clientMessageId,
        nlu: {},
        error: { code, message: (error as Error).message },
      };
    }
  }

  /** Valid input within its user's and key's rate limits. */
  private admit(request: SendMessageRequest, key: string | undefined) {
    const input = parseMessageInput(request, { maxTextChars: this.config.MAX_TEXT_CHARS, maxDeadlineMs: this.config.MAX_DEADLINE_MS });
    this.access.limit(input.userId, key);
    return input;
  }
}

function toResponse(result: MessageResult): SendMessageResponse {
  const { reply } = result;
  return {
    messageId: result.messageId,
    conversationId: result.conversationId,
    clientMessageId: result.clientMessageId ?? '',
    reply: { text: reply.text, source: reply.source, reason: reply.reason, latencyMs: reply.latencyMs, fallback: reply.fallback },
    nlu: reply.nlu,
  };
}

/** `authorization: Bearer <key>` or `x-api-key: <key>` metadata. */
function credential(metadata: Metadata | undefined): string | undefined {
  const value = metadata?.get('authorization')[0] ?? metadata?.get('x-api-key')[0];
  return value === undefined ? undefined : String(value);
}

function toRpcException(error: unknown): RpcException {
  if (error instanceof UnauthorizedError)
    return new RpcException({ code: status.UNAUTHENTICATED, message: `unauthorized: ${error.message}` });
  if (error instanceof RateLimitedError)
    return new RpcException({ code: status.RESOURCE_EXHAUSTED, message: `rate_limited: ${error.message}` });
  if (error instanceof InputError) {
    return new RpcException({
      code: error.status === 413 ? status.OUT_OF_RANGE : status.INVALID_ARGUMENT,
      message: `${error.code}: ${error.message}`,
    });
  }
  if (error instanceof OverloadedError)
    return new RpcException({ code: status.RESOURCE_EXHAUSTED, message: `overloaded: ${error.message}` });
  return new RpcException({ code: status.INTERNAL, message: 'internal error' });
}
