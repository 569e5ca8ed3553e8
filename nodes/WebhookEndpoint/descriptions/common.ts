import type { INodeProperties } from 'n8n-workflow';
import { endpointProperty } from '../../shared/endpointLocator';

/** Display condition for a resource and some of its operations. */
export function showFor(
	resource: string,
	operation: string[],
): { show: { resource: string[]; operation: string[] } } {
	return { show: { resource: [resource], operation } };
}

/** The endpoint picker of the trigger nodes (searchable list or ID), for the management operations. */
export function endpointLocator(resource: string, operation: string[]): INodeProperties {
	return {
		...endpointProperty,
		description: 'The registered webhook endpoint',
		displayOptions: showFor(resource, operation),
	};
}

/** "Return All" + "Limit", as n8n's own Get Many operations have them. */
export function returnAllAndLimit(resource: string, operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: showFor(resource, [operation]),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1 },
			description: 'Max number of results to return',
			displayOptions: {
				show: { resource: [resource], operation: [operation], returnAll: [false] },
			},
		},
	];
}
