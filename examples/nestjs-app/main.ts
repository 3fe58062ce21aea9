/**
 * The NestJS example: users and groups over HTTP on an embedded DynamoDB (dynalite) persisted under
 * .data/nestjs-app. Run with `npm run example:nest`; PORT (default 3000) and HOST (default 127.0.0.1).
 */
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startLocalDynamoDB } from 'dynamo-single-table/testing';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const logger = new Logger('nestjs-app');
  const local = await startLocalDynamoDB({ path: '.data/nestjs-app' });
  // The client is ours (passed in), so Nest never destroys it: local.stop() does, after app.close().
  const app = await NestFactory.create(AppModule.register({ client: local.client, tableName: 'nestjs-app' }));
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
  logger.log(`listening on ${await app.getUrl()} (DynamoDB at ${local.endpoint})`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: closing`);
    await app.close();
    await local.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

bootstrap().catch((error: unknown) => {
  new Logger('nestjs-app').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
