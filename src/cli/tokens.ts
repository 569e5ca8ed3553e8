/**
 * `webhook-gateway tokens create|list|revoke`: scoped admin tokens (docs/admin-api.md), straight
 * on Redis like every CLI command. The token is printed once, by create.
 */
import { Command } from 'commander';
import { TokenService, type ScopedToken } from '../management/tokens';
import { table } from './format';
import type { CliSession } from './session';

function list(text: string | undefined): string[] | undefined {
	return text === undefined
		? undefined
		: text
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
}

export function tokensCommand(session: CliSession): Command {
	const tokens = new Command('tokens').description(
		'scoped admin tokens: read, manage, admin, metrics; optionally limited to accounts',
	);
	const service = (cmd: Command) => {
		const stores = session.storesFor(cmd);
		return new TokenService(stores.tokens, () => stores.sessions.serverSecret());
	};

	tokens
		.command('create')
		.description('create a token and print it (shown this once; only a keyed hash is stored)')
		.requiredOption('--name <text>', 'what the token is for, e.g. prometheus or team-a')
		.requiredOption('--scopes <list>', 'comma-separated: read, manage, admin, metrics')
		.option('--accounts <list>', 'limit the token to these accounts (comma-separated)')
		.option('--json', 'print JSON')
		.action(async (flags: { name: string; scopes: string; accounts?: string }, cmd: Command) => {
			const user = process.env.USER ?? process.env.USERNAME;
			const created = await service(cmd).create(
				{ name: flags.name, scopes: list(flags.scopes), accountIds: list(flags.accounts) },
				user ? `cli:${user}` : 'cli',
			);
			session.print(
				cmd,
				created,
				(c) =>
					`token (shown once): ${c.token}\nid: ${c.tokenInfo.id}  scopes: ${c.tokenInfo.scopes.join(',')}  accounts: ${c.tokenInfo.accountIds?.join(',') ?? 'all'}`,
			);
		});

	tokens
		.command('list')
		.description('list tokens (never the tokens themselves)')
		.option('--json', 'print JSON')
		.action(async (_flags: unknown, cmd: Command) => {
			session.print(cmd, await service(cmd).list(), (all: ScopedToken[]) =>
				all.length === 0
					? 'No tokens.'
					: table(
							['ID', 'NAME', 'SCOPES', 'ACCOUNTS', 'CREATED'],
							all.map((t) => [
								t.id,
								t.name,
								t.scopes.join(','),
								t.accountIds?.join(',') ?? 'all',
								t.createdAt,
							]),
						),
			);
		});

	tokens
		.command('revoke <id>')
		.description('revoke a token at once, on every gateway')
		.action(async (id: string, _flags: unknown, cmd: Command) => {
			await service(cmd).revoke(id);
			process.stdout.write(`token ${id} revoked\n`);
		});
	return tokens;
}
