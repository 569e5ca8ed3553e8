/**
 * The encryption key of the gateway inside n8n when WEBHOOK_GATEWAY_ENCRYPTION_KEY is not set and
 * the credential's "Serve endpoints from this n8n instance" is on:
 * derived from n8n's own encryption key (the one n8n encrypts credentials with), so that a user who
 * installs the package from n8n's UI gets encrypted endpoint secrets without a new setting. Every
 * n8n process of one installation (main, webhook processes and workers in queue mode) shares that
 * key, so they all read what any of them wrote. A standalone gateway on the same Redis does not
 * know it: set WEBHOOK_GATEWAY_ENCRYPTION_KEY on both then (docs/security.md).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * n8n's encryption key: `N8N_ENCRYPTION_KEY`, else `encryptionKey` in `<user folder>/.n8n/config`
 * (the user folder is N8N_USER_FOLDER, else HOME, as n8n does). Undefined when neither is there.
 */
export function n8nEncryptionKey(env: NodeJS.ProcessEnv): string | undefined {
	if (env.N8N_ENCRYPTION_KEY) return env.N8N_ENCRYPTION_KEY;
	const folder = env.N8N_USER_FOLDER ?? env.HOME;
	if (!folder) return undefined;
	const file = path.join(folder, '.n8n', 'config');
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
	const key = (JSON.parse(text) as { encryptionKey?: unknown }).encryptionKey;
	return typeof key === 'string' && key !== '' ? key : undefined;
}

/**
 * The gateway key derived from n8n's key (64 characters; n8n's key itself is never used directly,
 * so the gateway's ciphertexts and n8n's are under different keys).
 */
export function gatewayKeyFromN8n(n8nKey: string): string {
	return createHash('sha256')
		.update(`webhook-gateway secrets from n8n's encryption key\n${n8nKey}`, 'utf8')
		.digest('hex');
}
