import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { chatProtoPath } from '@app/contracts';

/** Loader options shared by the server and every client, so both see the same field names. */
export const chatProtoLoaderOptions = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

/**
 * The gRPC server with the same bounds as HTTP: a request larger than `maxRequestBytes` (the HTTP
 * body limit) is refused with RESOURCE_EXHAUSTED before it is decoded (grpc-js allows 4 MiB by
 * default); at most 100 streams per connection; keepalive pings both ways, so a dead client's
 * streams are closed, and clients that ping too often are cut off; connections are recycled every
 * hour, so a scaled-out gateway set rebalances its long-lived clients.
 */
export function grpcServerOptions(host: string, port: number, maxRequestBytes: number): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: 'chat.v1',
      protoPath: chatProtoPath(),
      url: `${host}:${port}`,
      loader: chatProtoLoaderOptions,
      maxReceiveMessageLength: maxRequestBytes,
      maxSendMessageLength: 1024 * 1024,
      maxMetadataSize: 16 * 1024,
      keepalive: {
        keepaliveTimeMs: 60_000,
        keepaliveTimeoutMs: 20_000,
        http2MinPingIntervalWithoutDataMs: 10_000,
        http2MaxPingStrikes: 2,
      },
      channelOptions: {
        'grpc.max_concurrent_streams': 100,
        'grpc.max_connection_idle_ms': 5 * 60_000,
        'grpc.max_connection_age_ms': 60 * 60_000,
        'grpc.max_connection_age_grace_ms': 30_000,
      },
    },
  };
}
