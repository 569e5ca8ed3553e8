/**
 * Shortcuts for the providers people filter most (docs/filters.md, "Shortcuts"): a few plain
 * fields in the trigger nodes that become ordinary filter conditions, so users do not need to
 * know which header or body field each provider puts its event type in.
 */
import type { FilterCondition, FilterSpec } from './filter';

/** The shortcut fields; each holds comma-separated values (globs allowed), empty = not used. */
export interface FilterShortcuts {
	/** GitHub `X-GitHub-Event` values, e.g. `push, pull_request`. */
	githubEvents?: string;
	/** Branch names matched against the body's `ref` (`refs/heads/<branch>`), e.g. `main, release/*`. */
	githubBranches?: string;
	/** Stripe event types (body `type`), e.g. `invoice.paid, customer.subscription.*`. */
	stripeEventTypes?: string;
	/** Shopify topics (`X-Shopify-Topic`), e.g. `orders/create, orders/*`. */
	shopifyTopics?: string;
	/** Slack Events API event types (body `event.type`), e.g. `app_mention, message`. */
	slackEventTypes?: string;
}

/** Splits a comma-separated field into trimmed, non-empty values. */
export function splitList(value: string | undefined): string[] {
	return (value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter((v) => v !== '');
}

const header = (name: string, patterns: string[]): FilterCondition =>
	patterns.length === 1
		? { kind: 'header', name, op: 'glob', value: patterns[0] }
		: {
				kind: 'group',
				combine: 'any',
				conditions: patterns.map((value) => ({ kind: 'header', name, op: 'glob', value })),
			};

/** The conditions the filled-in shortcuts stand for (all must hold). */
export function shortcutConditions(shortcuts: FilterShortcuts): FilterCondition[] {
	const out: FilterCondition[] = [];
	const githubEvents = splitList(shortcuts.githubEvents);
	if (githubEvents.length > 0) out.push(header('x-github-event', githubEvents));
	const branches = splitList(shortcuts.githubBranches);
	if (branches.length > 0)
		out.push({
			kind: 'body',
			path: 'ref',
			op: 'glob',
			values: branches.map((b) => (b.startsWith('refs/') ? b : `refs/heads/${b}`)),
		});
	const stripe = splitList(shortcuts.stripeEventTypes);
	if (stripe.length > 0) out.push({ kind: 'body', path: 'type', op: 'glob', values: stripe });
	const shopify = splitList(shortcuts.shopifyTopics);
	if (shopify.length > 0) out.push(header('x-shopify-topic', shopify));
	const slack = splitList(shortcuts.slackEventTypes);
	if (slack.length > 0) out.push({ kind: 'body', path: 'event.type', op: 'glob', values: slack });
	return out;
}

/**
 * The filter of a trigger: every shortcut must hold, and the user's own conditions combined
 * with `combine` (all / any) must hold too.
 */
export function filterSpecOf(
	shortcuts: FilterShortcuts,
	combine: 'all' | 'any',
	conditions: FilterCondition[],
): FilterSpec {
	const own: FilterCondition[] =
		conditions.length === 0 ? [] : [{ kind: 'group', combine, conditions }];
	return { combine: 'all', conditions: [...shortcutConditions(shortcuts), ...own] };
}
