/**
 * The `webhook-gateway` CLI (docs/admin-api.md, docs/scaling.md): `serve` runs the gateway; `endpoints`, `plans`,
 * `accounts` and `events` call the same ManagementService as the admin API and the node.
 * Expected errors print their message on stderr and exit 1; usage errors exit 2.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { GatewayError, messageOf } from '../errors';
import { jsonLogger } from '../logger';
import { packageInfo } from '../packageInfo';
import { classifyStoreError, isConnectionError } from '../redis';
import { endpointsCommand } from './endpoints';
import { eventsCommand } from './events';
import { requestsCommand } from './requests';
import { accountsCommand, plansCommand } from './plans';
import { auditCommand } from './audit';
import { tokensCommand } from './tokens';
import { secretsCommand } from './secrets';
import { CliSession } from './session';
import { subscribersCommand } from './subscribers';
import { usageCommand } from './usage';

function serveCommand(session: CliSession): Command {
	return new Command('serve')
		.description(
			'run the webhook gateway (ingest, admin API, health and metrics) until SIGTERM/SIGINT',
		)
		.option('--json', 'print {url, adminUrl, workers} as JSON once listening')
		.option(
			'--workers <n>',
			'gateway processes on the one port, sharing only Redis (default: WEBHOOK_GATEWAY_WORKERS, else one per CPU)',
		)
		.action(async (flags: { workers?: string }, cmd: Command) => {
			session.exitOnFailure = true;
			const config = session.config(cmd);
			const logger = jsonLogger(config.logLevel);
			// Loaded here so that the other commands never load express or the cluster module.
			const { joinCluster, runPrimary, workerCount } = await import('../gateway/cluster');
			const { default: cluster } = await import('node:cluster');
			const workers = cluster.isWorker ? 1 : workerCount(flags.workers, process.env);
			if (workers > 1) {
				const ready = await runPrimary(workers, logger);
				session.print(
					cmd,
					ready,
					(g) =>
						`webhook gateway listening on ${g.url} with ${g.workers} workers (admin API: ${g.adminUrl})`,
				);
				return;
			}
			const { startGateway } = await import('../gateway/server');
			const gateway = await startGateway(config, { logger });
			const adminUrl = gateway.adminUrl ?? `${gateway.url}/api/v1`;
			if (cluster.isWorker) {
				const { deliveryMetrics } = await import('../delivery/metrics');
				joinCluster(gateway, [gateway.gateway.metrics.registry, deliveryMetrics().registry]);
			} else {
				session.print(
					cmd,
					{ url: gateway.url, adminUrl, workers: 1 },
					(g) => `webhook gateway listening on ${g.url} (admin API: ${g.adminUrl})`,
				);
			}
			const stop = (signal: NodeJS.Signals) => {
				logger.info('stopping webhook gateway', { signal });
				gateway.close().then(
					() => process.exit(0),
					(error: unknown) => {
						logger.error('webhook gateway did not stop cleanly', { error: messageOf(error) });
						process.exit(1);
					},
				);
			};
			// `once`: a second signal falls back to the default and ends the process at once.
			process.once('SIGTERM', stop);
			if (!cluster.isWorker) process.once('SIGINT', stop);
		});
}

/** Usage errors throw (exit code 2) instead of exiting, on every command and subcommand. */
function configureErrors(command: Command): void {
	command
		.exitOverride()
		.showHelpAfterError('(run with --help for usage)')
		.showSuggestionAfterError();
	for (const sub of command.commands) configureErrors(sub);
}

/** Commands that change something (the audit log records them). */
const AUDITED_COMMANDS = new Set([
	'endpoints create',
	'endpoints update',
	'endpoints delete',
	'endpoints rotate-secret',
	'subscribers remove',
	'subscribers rewind',
	'plans upsert',
	'plans delete',
	'accounts set-plan',
	'events replay',
	'events delete-dead-letters',
	'secrets re-encrypt',
	'tokens create',
	'tokens revoke',
]);

function buildProgram(session: CliSession): Command {
	const program = new Command('webhook-gateway')
		.description(
			'Global webhook endpoints for n8n: run the gateway and manage endpoints, plans, accounts and buffered events.\nConfiguration comes from the WEBHOOK_GATEWAY_* environment variables.',
		)
		.version(packageInfo().version)
		.option('--redis-url <url>', 'Redis to use (overrides WEBHOOK_GATEWAY_REDIS_URL)')
		.option('--key-prefix <prefix>', 'Redis key prefix (overrides WEBHOOK_GATEWAY_KEY_PREFIX)');
	for (const command of [
		serveCommand(session),
		endpointsCommand(session),
		subscribersCommand(session),
		plansCommand(session),
		accountsCommand(session),
		eventsCommand(session),
		requestsCommand(session),
		secretsCommand(session),
		auditCommand(session),
		tokensCommand(session),
		usageCommand(session),
	]) {
		program.addCommand(command);
	}
	// Every successful change is written to the audit log; arguments only (ids), never flags,
	// which may carry secrets (--secret).
	program.hook('postAction', async (_program, action) => {
		const name = `${action.parent?.name() ?? ''} ${action.name()}`.trim();
		// --force is the one flag worth keeping: a forced delete stopped running triggers.
		const forced = action.opts<{ force?: boolean }>().force === true ? ['--force'] : [];
		if (AUDITED_COMMANDS.has(name))
			await session.recordChange(['cli', name, ...action.args, ...forced].join(' '));
	});
	configureErrors(program);
	return program;
}

/** The message for an error, or undefined when it is not an expected one. */
function expectedMessage(error: unknown, session: CliSession): string | undefined {
	if (error instanceof GatewayError || error instanceof ConfigError) return error.message;
	if (isConnectionError(error)) {
		const where = session.redisUrlForDisplay() ?? 'the configured URL';
		return `cannot reach Redis at ${where} (set WEBHOOK_GATEWAY_REDIS_URL or --redis-url): ${(error as Error).message}`;
	}
	// Reachable but refusing (out of memory, read-only replica, ...): say so rather than print a bare reply.
	const reason = classifyStoreError(error);
	if (reason !== undefined)
		return `Redis refused the command (${reason}); retry later or fix Redis: ${(error as Error).message}`;
	return undefined;
}

/**
 * Runs the CLI. @param argv process.argv (node, script, ...arguments)
 * Sets process.exitCode (0 ok, 1 failure, 2 usage) instead of exiting, so Redis closes cleanly.
 */
export async function main(argv: string[]): Promise<void> {
	const session = new CliSession(process.env);
	const program = buildProgram(session);
	try {
		await program.parseAsync(argv);
	} catch (error) {
		if (error instanceof CommanderError) {
			// Commander has already printed the message or the help.
			process.exitCode = error.exitCode === 0 ? 0 : 2;
		} else {
			const message = expectedMessage(error, session);
			if (message !== undefined) {
				process.stderr.write(`error: ${message}\n`);
			} else {
				const debug = process.env.WEBHOOK_GATEWAY_LOG_LEVEL === 'debug';
				process.stderr.write(
					`error: ${debug && error instanceof Error ? error.stack : messageOf(error)}\n`,
				);
			}
			process.exitCode = 1;
		}
	} finally {
		await session.close();
	}
	if (process.exitCode && session.exitOnFailure) process.exit();
}
