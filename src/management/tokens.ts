/**
 * Scoped admin tokens (docs/admin-api.md): created once (the token is shown in that answer
 * only), stored as an HMAC keyed by the gateway's random server secret, listed and revoked.
 * Scopes: `read` (GETs), `manage` (endpoints, events and dead letters), `admin` (everything,
 * including plans, accounts, tokens and the audit log), `metrics` (/metrics only). `accountIds`
 * limits a token to those accounts' endpoints.
 *
 * Token text: `wgwt_<id>_<secret>`; the id (12 characters) finds the record, the whole text is
 * compared through its HMAC in constant time.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { secretsEqual } from '../auth/constantTime';
import { NotFoundError, ValidationError } from '../errors';
import type { TokenStore } from '../redis/tokens';
import { validateAccountId } from '../registry/endpoints';

export const TOKEN_SCOPES = ['read', 'manage', 'admin', 'metrics'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A token as listed: everything but its hash. */
export interface ScopedToken {
	id: string;
	name: string;
	scopes: TokenScope[];
	/** null: every account. */
	accountIds: string[] | null;
	createdAt: string;
	createdBy: string;
}

interface StoredToken extends ScopedToken {
	/** base64url HMAC-SHA256 of the token text, keyed by the server secret. */
	hash: string;
}

const TOKEN_RE = /^wgwt_([A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/;

export class TokenService {
	constructor(
		private readonly store: TokenStore,
		private readonly serverSecret: () => Promise<Buffer>,
	) {}

	private async hash(token: string): Promise<string> {
		return createHmac('sha256', await this.serverSecret())
			.update(`webhook-gateway scoped token\n${token}`, 'utf8')
			.digest('base64url');
	}

	/** @returns the token text (shown this once) and its record. */
	async create(
		input: { name?: unknown; scopes?: unknown; accountIds?: unknown },
		createdBy: string,
	): Promise<{ token: string; tokenInfo: ScopedToken }> {
		if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100)
			throw new ValidationError('name must be a text of 1 to 100 characters');
		if (!Array.isArray(input.scopes) || input.scopes.length === 0)
			throw new ValidationError(`scopes must be a non-empty list of ${TOKEN_SCOPES.join(', ')}`);
		for (const s of input.scopes)
			if (!(TOKEN_SCOPES as readonly unknown[]).includes(s))
				throw new ValidationError(`scope '${String(s)}' is not one of ${TOKEN_SCOPES.join(', ')}`);
		let accountIds: string[] | null = null;
		if (input.accountIds !== undefined && input.accountIds !== null) {
			if (!Array.isArray(input.accountIds) || input.accountIds.length === 0)
				throw new ValidationError(
					'accountIds must be a non-empty list of account ids (or absent for every account)',
				);
			accountIds = [...new Set(input.accountIds.map(validateAccountId))];
		}
		const id = randomBytes(9).toString('base64url');
		const token = `wgwt_${id}_${randomBytes(32).toString('base64url')}`;
		const tokenInfo: ScopedToken = {
			id,
			name: input.name.trim(),
			scopes: [...new Set(input.scopes as TokenScope[])],
			accountIds,
			createdAt: new Date().toISOString(),
			createdBy: String(createdBy).slice(0, 200),
		};
		const stored: StoredToken = { ...tokenInfo, hash: await this.hash(token) };
		if (!(await this.store.create(id, JSON.stringify(stored))))
			throw new ValidationError('token id collision; try again');
		return { token, tokenInfo };
	}

	async list(): Promise<ScopedToken[]> {
		return (await this.store.list())
			.map((raw) => {
				const { hash: _hash, ...info } = JSON.parse(raw) as StoredToken;
				return info;
			})
			.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
	}

	async revoke(id: string): Promise<void> {
		if (!(await this.store.delete(id))) throw new NotFoundError('token', id);
	}

	/** The token's record when `token` is a live scoped token, else undefined. */
	async verify(token: string): Promise<ScopedToken | undefined> {
		const match = TOKEN_RE.exec(token);
		if (!match) return undefined;
		const raw = await this.store.get(match[1]);
		if (raw === undefined) return undefined;
		const { hash, ...info } = JSON.parse(raw) as StoredToken;
		return secretsEqual(await this.hash(token), hash) ? info : undefined;
	}
}
