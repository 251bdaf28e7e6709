import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { chatProtoPath } from '@app/contracts';

/** Loader options shared by the server and every client, so both see the same field names. */
export const chatProtoLoaderOptions = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

export function grpcServerOptions(host: string, port: number): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: { package: 'chat.v1', protoPath: chatProtoPath(), url: `${host}:${port}`, loader: chatProtoLoaderOptions },
  };
}
