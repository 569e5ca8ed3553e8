/**
 * Shapes of scoped admin tokens and audit entries in the admin API (docs/admin-api.md). The
 * token body's values are checked by TokenService (src/management/tokens.ts).
 */
import { TOKEN_SCOPES } from '../tokens';
import { accountId } from './plan';
import { checkedByService, component, isoTime, z } from './registry';

const scopes = () => z.array(z.enum(TOKEN_SCOPES));

export const TokenCreate = component(
	'TokenCreate',
	z
		.strictObject({
			name: checkedByService(z.string().min(1).max(100)),
			scopes: checkedByService(scopes().min(1)),
			accountIds: checkedByService(z.array(accountId()).min(1).nullable()).optional(),
		})
		.describe(
			'`read`: GETs; `manage`: endpoints, events and dead letters; `admin`: everything; `metrics`: /metrics. `accountIds` limits the token to those accounts.',
		),
);
export const ScopedToken = component(
	'ScopedToken',
	z.strictObject({
		id: z.string(),
		name: z.string(),
		scopes: scopes(),
		accountIds: z.array(accountId()).nullable(),
		createdAt: isoTime(),
		createdBy: z.string(),
	}),
);
export const NewScopedToken = component(
	'NewScopedToken',
	z.strictObject({
		token: z.string().describe('Shown in this answer only; stored as a keyed hash'),
		tokenInfo: ScopedToken,
	}),
);
export const AuditEntry = component(
	'AuditEntry',
	z
		.strictObject({
			id: z
				.string()
				.describe('Entry id (a Redis stream id): the `before` cursor for the next page'),
			at: isoTime(),
			who: z
				.string()
				.describe(
					'`admin token`, `token <name> (<id>)`, `console session <8 hex>`, `cli:<user>`, or `n8n: workflow "<name>" (<id>), node "<name>"`',
				),
			action: z
				.string()
				.describe(
					'Method and path of the change (`PUT /api/v1/accounts/acme/plan`), or the CLI command and its target',
				),
			status: z
				.number()
				.int()
				.describe(
					'HTTP status of the change; 0 when not made over HTTP (CLI, the n8n node on Redis)',
				),
			accountId: z.string().describe('The account the change concerns, when known').optional(),
			endpointId: z
				.string()
				.describe('The endpoint the change concerns, when there is one')
				.optional(),
		})
		.describe('One management change. Bodies (and so secrets) are never recorded.'),
);
