import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { chatProtoPath } from '@app/contracts';
import { chatProtoLoaderOptions } from '../../apps/gateway/src/grpc-server.options';

export interface SendMessageResponse {
  messageId: string;
  conversationId: string;
  clientMessageId: string;
  reply?: { text: string; source: string; reason: string; latencyMs: number; fallback: boolean };
  nlu: Record<string, { label: string; score: number; model: string; latencyMs: number }>;
  error?: { code: string; message: string } | null;
}

export interface SendMessageRequest {
  conversationId: string;
  userId: string;
  text: string;
  clientMessageId?: string;
  deadlineMs?: number;
}

type Unary = (request: SendMessageRequest, callback: (error: ServiceError | null, response: SendMessageResponse) => void) => void;

interface ChatServiceClient extends Client {
  SendMessage: Unary;
  Converse: () => import('@grpc/grpc-js').ClientDuplexStream<SendMessageRequest, SendMessageResponse>;
}

/** A plain grpc-js client of chat.v1.ChatService, as any user of the API would write it. */
export function chatClient(address: string): ChatServiceClient {
  const definition = loadPackageDefinition(loadSync(chatProtoPath(), chatProtoLoaderOptions)) as unknown as {
    chat: { v1: { ChatService: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => ChatServiceClient } };
  };
  return new definition.chat.v1.ChatService(address, credentials.createInsecure());
}

export function sendMessage(client: ChatServiceClient, request: SendMessageRequest): Promise<SendMessageResponse> {
  return new Promise((resolve, reject) => client.SendMessage(request, (error, response) => (error ? reject(error) : resolve(response))));
}
