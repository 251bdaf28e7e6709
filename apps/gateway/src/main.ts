import 'reflect-metadata';
import { isUtf8 } from 'node:buffer';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { APP_CONFIG, loadConfig, nestLogLevels } from '@app/config';
import { exitWithParent } from '@app/runtime';
import { ApiErrorFilter, bodyParserErrorHandler } from './http/api-error.filter';
import { gatewayConfigSchema, type GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { grpcServerOptions } from './grpc-server.options';

export async function createGateway(): Promise<NestExpressApplication> {
  const config = loadConfig(gatewayConfigSchema);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule, {
    bodyParser: false,
    logger: nestLogLevels(config.LOG_LEVEL),
  });
  app.useBodyParser('json', {
    limit: config.MAX_BODY_BYTES,
    // body-parser would decode bad bytes as U+FFFD and carry on; a client sending them gets told.
    verify: (_req: unknown, _res: unknown, buf: Buffer) => {
      if (!isUtf8(buf)) throw new Error('the body is not valid UTF-8');
    },
  });
  app.use(bodyParserErrorHandler);
  app.useGlobalFilters(new ApiErrorFilter());
  app.enableShutdownHooks();
  app.connectMicroservice(grpcServerOptions(config.HOST, config.GRPC_PORT, config.MAX_BODY_BYTES));
  return app;
}

async function bootstrap(): Promise<void> {
  const app = await createGateway();
  const config = app.get<GatewayConfig>(APP_CONFIG);
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  exitWithParent(app);
}

if (require.main === module) {
  bootstrap().catch((error: Error) => {
    console.error(`gateway failed to start: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
