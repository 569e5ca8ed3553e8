/**
 * UI texts that several nodes show word for word, written once so that they stay identical.
 */

/** Header of the trigger panel of the Raw and Batch triggers (test step in the editor). */
export const TRIGGER_PANEL_HEADER =
	'Send a request to the endpoint’s URL (shown in the Endpoint list), then execute this step';

/** Message when a WEBHOOK_GATEWAY_* setting of the n8n process is invalid (ConfigError). */
export const CONFIG_ERROR_MESSAGE =
	'A WEBHOOK_GATEWAY_* environment variable of this n8n has a wrong value';
