/**
 * `webhook-gateway endpoints …`: flags become an EndpointInput for the ManagementService, which
 * validates everything; this file only translates the command line.
 */
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { PRESETS } from '../auth';
import { parseSize } from '../config';
import { messageOf, ValidationError } from '../errors';
import type { EndpointInput } from '../management/service';
import { details, endpointDetails, endpointTable, endpointWithSecret } from './format';
import { wholeNumber } from './parse';
import type { CliSession } from './session';

interface EndpointFlags {
	id?: string;
	name?: string;
	description?: string;
	account?: string;
	auth?: string;
	header?: string;
	username?: string;
	secret?: string;
	methods?: string;
	ipAllow?: string;
	dedupeHeader?: string;
	dedupePath?: string;
	/** false when --no-dedupe is given. */
	dedupe?: boolean;
	handshake?: string;
	verifyToken?: string;
	capacity?: string;
	maxBytes?: string;
	limitRate?: string;
	limitBurst?: string;
	limitDaily?: string;
	disabled?: boolean;
	acceptStatus?: string;
	acceptBody?: string;
	acceptContentType?: string;
	/** true when --default-response is given. */
	defaultResponse?: boolean;
}

/** `--limit-*` values as EndpointInput.limits fields: 'none' = no limit; undefined when no flag is given. */
export function limitFlags(flags: EndpointFlags): Record<string, string | null> | undefined {
	const out: Record<string, string | null> = {};
	for (const [key, value] of [
		['rate', flags.limitRate],
		['burst', flags.limitBurst],
		['daily', flags.limitDaily],
	] as const) {
		if (value !== undefined) out[key] = value === 'none' ? null : value;
	}
	return Object.keys(out).length === 0 ? undefined : out;
}

/** Auth presets by name (the catalog's CLI names); `token` and `basic` take --header / --username. */
const AUTH_PRESETS: Record<string, Record<string, unknown>> = {
	none: { type: 'none' },
	...Object.fromEntries(
		PRESETS.filter((p) => p.id !== 'generic').map((p) => [
			p.cliName,
			{ type: 'hmac', preset: p.id },
		]),
	),
};
const AUTH_NAMES = [...Object.keys(AUTH_PRESETS), 'token', 'basic'];

/** `--auth` as the service expects it: a preset name or a JSON object (passed through). */
export function parseAuth(text: string, flags: { header?: string; username?: string }): unknown {
	const trimmed = text.trim();
	if (flags.header !== undefined && trimmed !== 'token')
		throw new ValidationError('--header applies only to --auth token');
	if (flags.username !== undefined && trimmed !== 'basic' && trimmed !== 'postmark')
		throw new ValidationError('--username applies only to --auth basic or postmark');
	if (trimmed.startsWith('{')) {
		try {
			return JSON.parse(trimmed) as unknown;
		} catch (error) {
			throw new ValidationError(`--auth is not valid JSON: ${messageOf(error)}`);
		}
	}
	if (trimmed === 'token') return { type: 'header', headerName: flags.header ?? 'authorization' };
	if (trimmed === 'basic') return { type: 'basic', username: flags.username };
	if (trimmed === 'postmark' && flags.username !== undefined)
		return { type: 'hmac', preset: 'postmark', username: flags.username };
	const preset = AUTH_PRESETS[trimmed];
	if (!preset)
		throw new ValidationError(
			`--auth must be one of ${AUTH_NAMES.join(', ')} or a JSON object (got '${trimmed.slice(0, 50)}')`,
		);
	return { ...preset };
}

function list(text: string): string[] {
	return text
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/** The EndpointInput the flags describe; flags not given stay undefined (unchanged on update). */
export function endpointInput(flags: EndpointFlags): EndpointInput {
	const input: EndpointInput = {
		name: flags.name,
		description: flags.description,
		accountId: flags.account,
		secret: flags.secret,
		methods: flags.methods,
		ipAllowlist: flags.ipAllow === undefined ? undefined : list(flags.ipAllow),
		bufferCapacity:
			flags.capacity === undefined
				? undefined
				: flags.capacity === 'default'
					? null
					: flags.capacity,
		bufferMaxBytes:
			flags.maxBytes === undefined
				? undefined
				: flags.maxBytes === 'default'
					? null
					: (parseSize(flags.maxBytes) ?? flags.maxBytes),
		enabled: flags.disabled ? false : undefined,
		limits: limitFlags(flags),
	};
	if (flags.auth !== undefined) input.auth = parseAuth(flags.auth, flags);
	else if (flags.header !== undefined || flags.username !== undefined)
		throw new ValidationError('--header and --username need --auth token or --auth basic');
	if (flags.dedupe === false) input.dedupe = { source: { type: 'none' } };
	else if (flags.dedupeHeader !== undefined)
		input.dedupe = { source: { type: 'header', name: flags.dedupeHeader } };
	else if (flags.dedupePath !== undefined)
		input.dedupe = { source: { type: 'bodyPath', path: flags.dedupePath } };
	if (flags.handshake !== undefined)
		input.handshake = {
			mode: flags.handshake,
			...(flags.verifyToken === undefined ? {} : { verifyToken: flags.verifyToken }),
		};
	else if (flags.verifyToken !== undefined)
		throw new ValidationError('--verify-token needs --handshake hubChallenge');
	const custom =
		flags.acceptStatus !== undefined ||
		flags.acceptBody !== undefined ||
		flags.acceptContentType !== undefined;
	if (flags.defaultResponse && custom)
		throw new ValidationError(
			'--default-response cannot be combined with --accept-status, --accept-body or --accept-content-type',
		);
	if (flags.defaultResponse) input.acceptResponse = null;
	// The three flags describe the whole answer: one not given takes its default, not the stored value.
	else if (custom)
		input.acceptResponse = {
			status: flags.acceptStatus ?? 200,
			body: flags.acceptBody ?? '',
			contentType: flags.acceptContentType,
		};
	return input;
}

/** The options shared by `create` and `update`. */
function endpointOptions(command: Command): Command {
	return command
		.option('--name <text>', 'display name')
		.option('--description <text>', 'description')
		.option('--account <id>', 'owning account (default: default); cannot change later')
		.option(
			'--auth <preset|json>',
			`authentication: ${AUTH_NAMES.join(', ')} (provider presets: docs/providers/README.md), or a JSON object such as '{"type":"hmac","preset":"generic","header":"x-signature"}'`,
		)
		.option(
			'--header <name>',
			'header carrying the token (--auth token; default authorization with "Bearer ")',
		)
		.option('--username <name>', 'user name (--auth basic, or postmark: default postmark)')
		.option(
			'--secret <secret>',
			'use this secret instead of a generated one (e.g. the signing secret the provider shows)',
		)
		.option('--methods <list>', 'allowed HTTP methods, e.g. POST,PUT (default POST)')
		.option(
			'--ip-allow <cidrs>',
			"allowed source addresses, e.g. 10.0.0.0/8,192.0.2.7 ('' allows all)",
		)
		.addOption(
			new Option('--dedupe-header <name>', 'detect duplicates by this request header').conflicts([
				'dedupePath',
				'dedupe',
			]),
		)
		.addOption(
			new Option(
				'--dedupe-path <path>',
				"detect duplicates by this JSON body path, e.g. 'id'",
			).conflicts(['dedupe']),
		)
		.option(
			'--no-dedupe',
			'do not detect duplicates (presets turn on the provider delivery id by default)',
		)
		.option(
			'--handshake <mode>',
			'answer provider handshakes: none, slack, hubChallenge, validationToken (presets such as zoom, twitch, discord, dropbox, meta, slack answer theirs by themselves)',
		)
		.option('--verify-token <token>', 'hub.verify_token expected by --handshake hubChallenge')
		.option('--capacity <n>', "max events waiting in the buffer ('default' = gateway default)")
		.option(
			'--max-bytes <size>',
			"max bytes waiting in the buffer, e.g. 64mb ('default' = gateway default)",
		)
		.option(
			'--limit-rate <n|none>',
			"the endpoint's own rate, requests per second, inside the account's plan (docs/limits.md)",
		)
		.option(
			'--limit-burst <n|none>',
			"the endpoint's own burst (default: its rate rounded up, at most the plan's)",
		)
		.option(
			'--limit-daily <n|none>',
			"the endpoint's own accepted requests per UTC day, inside the account's plan",
		)
		.option('--disabled', 'reject incoming requests (403) until enabled')
		.option(
			'--accept-status <code>',
			'custom answer to accepted requests: a 2xx status (default 200 when any --accept-* flag is given)',
		)
		.option('--accept-body <text>', 'custom answer: the body, at most 4 KiB (default empty)')
		.option(
			'--accept-content-type <type>',
			'custom answer: the content type (default text/plain; charset=utf-8)',
		)
		.option('--default-response', 'answer accepted requests with the default 202 JSON again')
		.option('--json', 'print JSON');
}

/** `cli` plus the login name when the environment tells it. */
function createdBy(): string {
	const user = process.env.USER ?? process.env.USERNAME;
	return user ? `cli:${user}` : 'cli';
}

async function confirm(question: string): Promise<boolean> {
	const rl = createInterface({ input: process.stdin, output: process.stderr });
	try {
		return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
	} finally {
		rl.close();
	}
}

export function endpointsCommand(session: CliSession): Command {
	const endpoints = new Command('endpoints').description('create and manage webhook endpoints');

	endpoints
		.command('list')
		.description('list endpoints')
		.option('--account <id>', 'only endpoints of this account')
		.option('--search <text>', 'only endpoints whose id or name contains this text')
		.option('--json', 'print JSON')
		.action(async (flags: { account?: string; search?: string }, cmd: Command) => {
			const result = await session
				.management(cmd)
				.listEndpoints({ accountId: flags.account, search: flags.search });
			session.print(cmd, result, endpointTable);
		});

	endpoints
		.command('get <id>')
		.description('show an endpoint (never its secret)')
		.option('--json', 'print JSON')
		.action(async (id: string, _flags: unknown, cmd: Command) => {
			const result = await session.management(cmd).getEndpoint(id);
			session.print(cmd, result, endpointDetails);
		});

	endpointOptions(
		endpoints
			.command('create')
			.description('create an endpoint; prints its secret once')
			.option('--id <slug>', 'chosen id (default: random and unguessable)'),
	).action(async (flags: EndpointFlags & { id?: string }, cmd: Command) => {
		const result = await session
			.management(cmd)
			.createEndpoint({ ...endpointInput(flags), id: flags.id }, createdBy());
		session.print(cmd, result, endpointWithSecret);
	});

	endpointOptions(
		endpoints
			.command('update <id>')
			.description('change an endpoint; options not given stay as they are'),
	).action(async (id: string, flags: EndpointFlags, cmd: Command) => {
		const result = await session.management(cmd).updateEndpoint(id, endpointInput(flags));
		session.print(cmd, result, endpointWithSecret);
	});

	for (const [name, enabled] of [
		['enable', true],
		['disable', false],
	] as const) {
		endpoints
			.command(`${name} <id>`)
			.description(
				enabled
					? 'accept requests again'
					: 'reject incoming requests with 403 (buffered events stay)',
			)
			.option('--json', 'print JSON')
			.action(async (id: string, _flags: unknown, cmd: Command) => {
				const result = await session.management(cmd).updateEndpoint(id, { enabled });
				session.print(cmd, result, endpointWithSecret);
			});
	}

	endpoints
		.command('delete <id>')
		.description('delete an endpoint and every event buffered for it')
		.option('--yes', 'do not ask for confirmation')
		.option('--force', 'delete even though triggers subscribe to it (they stop with an error)')
		.option('--json', 'print JSON (nothing on success)')
		.action(async (id: string, flags: { yes?: boolean; force?: boolean }, cmd: Command) => {
			const management = session.management(cmd);
			if (!flags.yes) {
				if (!process.stdin.isTTY)
					throw new ValidationError(
						`refusing to delete endpoint '${id}' without confirmation: pass --yes`,
					);
				await management.getEndpoint(id);
				if (!(await confirm(`Delete endpoint '${id}' and every event buffered for it?`)))
					throw new ValidationError('not deleted');
			}
			await management.deleteEndpoint(id, { force: flags.force === true });
			session.print(cmd, undefined, () => `Deleted endpoint '${id}'.`);
		});

	endpoints
		.command('rotate-secret <id>')
		.description(
			'replace the secret; the old one stays valid for the grace period; prints the new secret once',
		)
		.option(
			'--grace <seconds>',
			'how long the old secret keeps working (default 86400; 0 = revoke now)',
			wholeNumber,
		)
		.option('--secret <secret>', 'use this secret instead of a generated one')
		.option('--json', 'print JSON')
		.action(async (id: string, flags: { grace?: number; secret?: string }, cmd: Command) => {
			const result = await session
				.management(cmd)
				.rotateSecret(id, { graceSeconds: flags.grace, secret: flags.secret });
			session.print(cmd, result, endpointWithSecret);
		});

	endpoints
		.command('usage <id>')
		.description("today's accepted requests, limits, buffer depth, subscribers and dead letters")
		.option('--json', 'print JSON')
		.action(async (id: string, _flags: unknown, cmd: Command) => {
			const result = await session.management(cmd).endpointUsage(id);
			session.print(cmd, result, (u) => details(u));
		});

	return endpoints;
}
