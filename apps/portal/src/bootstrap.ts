import 'reflect-metadata';
import { ValidationPipe, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { PinoNestLogger } from './core/logging/logger.js';
import { apiNoStore } from './core/http/api-hardening.js';
import { serveWebApp } from './core/http/web-app.middleware.js';
import { maskGuestLinkTokens } from './passes/guest-links.js';

export async function createHttpApp(config: AppConfig, logger: Logger, options: { workers: boolean }): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // Keeps request.rawBody next to the parsed JSON: gates sign the body's bytes (GateAuthGuard hashes them).
    rawBody: true,
  });
  app.disable('x-powered-by');
  // Behind a load balancer the client's address is in X-Forwarded-For; believe it only from the proxies
  // TRUST_PROXY names, so request.ip (per-IP rate limits, audit lines, sessions) is the client's, not forged.
  const { trustProxy } = config.http;
  app.set('trust proxy', Array.isArray(trustProxy) ? [...trustProxy] : trustProxy);
  app.use(
    pinoHttp({
      logger,
      genReqId: (request) =>
        typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'].slice(0, 64) : randomUUID(),
      // Health probes every few seconds would drown the log.
      autoLogging: { ignore: (request) => request.url?.startsWith('/health') ?? false },
      // Method, path and status are what an access log needs; headers stay out (cookies, tokens).
      serializers: {
        req: (request: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: request.id,
          method: request.method,
          // Guest links carry a bearer token in the path: never keep it in the access log.
          url: maskGuestLinkTokens(request.url),
          remoteAddress: request.remoteAddress,
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Swagger UI styles itself inline; scripts stay same-origin only.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'upgrade-insecure-requests': config.environment === 'production' ? [] : null,
        },
      },
      hsts: config.environment === 'production',
    }),
  );
  app.use('/api', apiNoStore);
  app.setGlobalPrefix('api', { exclude: ['health', 'health/live'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  if (config.apiDocs) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('CampusPass portal API')
        .setDescription('Alumni portal, passes, gates and administration')
        .setVersion('1')
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  }
  serveWebApp(app, config.web.distDir);
  // No enableShutdownHooks(): run.ts owns SIGINT/SIGTERM, closes the app (running every shutdown hook) and exits 0.
  return app;
}

/** The worker process: BullMQ processors, no HTTP. */
export function createWorkerContext(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(AppModule.forRoot(config, { workers: true }), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
}
