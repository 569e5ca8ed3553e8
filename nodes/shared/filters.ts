/**
 * The "Filters" parameter both triggers share (docs/filters.md): provider shortcuts as plain
 * fields and a list of conditions, read once per activation into a compiled filter from
 * src/delivery/filter. Empty (the default) means no filter: every event starts an execution, as
 * before the parameter existed.
 */
import { NodeOperationError, type INodeProperties, type ITriggerFunctions } from 'n8n-workflow';
import { GatewayError } from '../../src/errors';
import {
	compileFilter,
	isEmptyFilter,
	type EventFilter,
	type FilterCondition,
} from '../../src/delivery/filter';
import { filterSpecOf, splitList, type FilterShortcuts } from '../../src/delivery/filterPresets';

const BODY_PATH_DESCRIPTION =
	'Keys joined by dots; [0] or .0 picks an array element, * every element. A path that ends at an array matches if one element does.';
const INVALID_FILTER_DESCRIPTION =
	'Fix the condition under Filters (or remove it), then activate the workflow again. See the package’s docs/filters.md for the operations.';

const listHint = 'Comma-separated; * matches any run of characters, ? one character';

export const filtersProperty: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	description:
		'Only events that pass every filter set here start an execution. The others are acknowledged for this trigger without an execution and counted (subscriber list, metrics). Filled-in shortcuts must all hold, and so must the conditions.',
	options: [
		{
			displayName: 'Combine Conditions',
			name: 'combine',
			type: 'options',
			default: 'all',
			options: [
				{ name: 'All Conditions Must Hold', value: 'all' },
				{ name: 'Any Condition Is Enough', value: 'any' },
			],
			description: 'How the conditions below combine (the shortcuts always must hold)',
		},
		{
			displayName: 'Conditions',
			name: 'conditions',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Condition',
			default: {},
			options: [
				{
					displayName: 'Condition',
					name: 'condition',
					values: [
						{
							displayName: 'Body Path',
							name: 'bodyPath',
							type: 'string',
							default: '',
							placeholder: 'data.object.status',
							description: BODY_PATH_DESCRIPTION,
							displayOptions: { show: { field: ['body'] } },
						},
						{
							displayName: 'Field',
							name: 'field',
							type: 'options',
							default: 'header',
							options: [
								{
									name: 'Body Path (JSON)',
									value: 'body',
									description:
										'A value in the JSON body, e.g. pull_request.base.ref or items[0].sku',
								},
								{
									name: 'Header',
									value: 'header',
									description: 'A request header (name case-insensitive)',
								},
								{ name: 'Method', value: 'method', description: 'The HTTP method, e.g. POST' },
								{
									name: 'Sub-Path',
									value: 'path',
									description:
										'What follows the endpoint’s URL, e.g. /orders (empty when nothing follows)',
								},
							],
						},
						{
							displayName: 'Header Name',
							name: 'headerName',
							type: 'string',
							default: '',
							placeholder: 'x-github-event',
							displayOptions: { show: { field: ['header'] } },
						},
						{
							displayName: 'Operation',
							name: 'headerOperation',
							type: 'options',
							default: 'equals',
							options: [
								{ name: 'Contains', value: 'contains' },
								{ name: 'Equals', value: 'equals' },
								{ name: 'Exists', value: 'exists' },
								{
									name: 'Matches Glob',
									value: 'glob',
									description: '* matches any run of characters, ? one character',
								},
							],
							displayOptions: { show: { field: ['header'] } },
						},
						{
							displayName: 'Operation',
							name: 'bodyOperation',
							type: 'options',
							default: 'equals',
							options: [
								{
									name: 'Equals',
									value: 'equals',
									description: 'Numbers, true, false and null compare by their JSON text',
								},
								{ name: 'Exists', value: 'exists' },
								{ name: 'Is One Of', value: 'in', description: 'Comma-separated values' },
								{
									name: 'Matches Glob',
									value: 'glob',
									description: 'Comma-separated patterns; one must match',
								},
							],
							displayOptions: { show: { field: ['body'] } },
						},
						{
							displayName: 'Value',
							name: 'value',
							type: 'string',
							default: '',
							description: 'For Method and Sub-Path: comma-separated; sub-paths may use * and ?',
							displayOptions: { hide: { headerOperation: ['exists'], bodyOperation: ['exists'] } },
						},
					],
				},
			],
		},
		{
			displayName: 'GitHub Branches',
			name: 'githubBranches',
			type: 'string',
			default: '',
			placeholder: 'main, release/*',
			description: `Only pushes (and other events with a "ref") to these branches. ${listHint}.`,
		},
		{
			displayName: 'GitHub Events',
			name: 'githubEvents',
			type: 'string',
			default: '',
			placeholder: 'push, pull_request',
			description: `Only these X-GitHub-Event values. ${listHint}.`,
		},
		{
			displayName: 'Shopify Topics',
			name: 'shopifyTopics',
			type: 'string',
			default: '',
			placeholder: 'orders/create, orders/*',
			description: `Only these X-Shopify-Topic values. ${listHint}.`,
		},
		{
			displayName: 'Slack Event Types',
			name: 'slackEventTypes',
			type: 'string',
			default: '',
			placeholder: 'app_mention, message',
			description: `Only Events API callbacks whose event.type is one of these. ${listHint}.`,
		},
		{
			displayName: 'Stripe Event Types',
			name: 'stripeEventTypes',
			type: 'string',
			default: '',
			placeholder: 'invoice.paid, customer.subscription.*',
			description: `Only these Stripe event types (the body's "type"). ${listHint}.`,
		},
	],
};

interface ConditionParameters {
	field?: string;
	headerName?: string;
	bodyPath?: string;
	headerOperation?: string;
	bodyOperation?: string;
	value?: string;
}

type FilterParameters = FilterShortcuts & {
	combine?: string;
	conditions?: { condition?: ConditionParameters[] };
};

function conditionOf(p: ConditionParameters): FilterCondition {
	const value = p.value ?? '';
	switch (p.field ?? 'header') {
		case 'body': {
			const op = (p.bodyOperation ?? 'equals') as 'equals' | 'in' | 'glob' | 'exists';
			return op === 'in' || op === 'glob'
				? { kind: 'body', path: p.bodyPath ?? '', op, values: splitList(value) }
				: { kind: 'body', path: p.bodyPath ?? '', op, value };
		}
		case 'method':
			return { kind: 'method', values: splitList(value) };
		case 'path':
			return { kind: 'path', patterns: value.trim() === '' ? [''] : splitList(value) };
		default:
			return {
				kind: 'header',
				name: p.headerName ?? '',
				op: (p.headerOperation ?? 'equals') as 'equals' | 'contains' | 'glob' | 'exists',
				value,
			};
	}
}

/**
 * The trigger's compiled filter, or undefined when none is set.
 * @throws NodeOperationError naming the condition to fix
 */
export function readFilter(ctx: ITriggerFunctions): EventFilter | undefined {
	const p = ctx.getNodeParameter('filters', {}) as FilterParameters;
	try {
		const spec = filterSpecOf(
			p,
			p.combine === 'any' ? 'any' : 'all',
			(p.conditions?.condition ?? []).map(conditionOf),
		);
		return isEmptyFilter(spec) ? undefined : compileFilter(spec);
	} catch (error) {
		if (!(error instanceof GatewayError))
			throw new NodeOperationError(ctx.getNode(), error as Error);
		throw new NodeOperationError(ctx.getNode(), `Invalid filter: ${error.message}`, {
			description: INVALID_FILTER_DESCRIPTION,
		});
	}
}
