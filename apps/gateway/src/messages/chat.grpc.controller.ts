import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod, RpcException } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { Observable, Subject } from 'rxjs';
import { APP_CONFIG } from '@app/config';
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
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @GrpcMethod('ChatService', 'SendMessage')
  async sendMessage(request: SendMessageRequest): Promise<SendMessageResponse> {
    try {
      return toResponse(await this.intake.handle(this.parse(request), 'grpc'));
    } catch (error) {
      throw toRpcException(error);
    }
  }

  /** One reply per message, in the order the messages came for each conversation. */
  @GrpcStreamMethod('ChatService', 'Converse')
  converse(requests: Observable<SendMessageRequest>): Observable<SendMessageResponse> {
    const responses = new Subject<SendMessageResponse>();
    const lastByConversation = new Map<string, Promise<void>>();
    const inFlight = new Set<Promise<void>>();
    let inputDone = false;
    const completeIfDone = () => {
      if (inputDone && inFlight.size === 0) responses.complete();
    };
    requests.subscribe({
      next: (request) => {
        const previous = lastByConversation.get(request.conversationId) ?? Promise.resolve();
        const answer = this.answer(request);
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
  private async answer(request: SendMessageRequest): Promise<SendMessageResponse> {
    try {
      return toResponse(await this.intake.handle(this.parse(request), 'grpc'));
    } catch (error) {
      const code = error instanceof InputError ? error.code : error instanceof OverloadedError ? 'overloaded' : 'internal';
      return {
        messageId: '',
        conversationId: request.conversationId,
        clientMessageId: request.clientMessageId,
        nlu: {},
        error: { code, message: (error as Error).message },
      };
    }
  }

  private parse(request: SendMessageRequest) {
    return parseMessageInput(request, { maxTextChars: this.config.MAX_TEXT_CHARS, maxDeadlineMs: this.config.MAX_DEADLINE_MS });
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

function toRpcException(error: unknown): RpcException {
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
