/**
 * `webhook-gateway secrets re-encrypt`: seals every endpoint secret with the current
 * WEBHOOK_GATEWAY_ENCRYPTION_KEY, reading those sealed with a key listed in
 * WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS and those still in plaintext (docs/security.md).
 */
import { Command } from 'commander';
import { ValidationError } from '../errors';
import type { CliSession } from './session';

export function secretsCommand(session: CliSession): Command {
	const secrets = new Command('secrets').description('endpoint secrets at rest (encryption)');

	secrets
		.command('re-encrypt')
		.description(
			'encrypt every endpoint secret with WEBHOOK_GATEWAY_ENCRYPTION_KEY (plaintext ones and those of WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS)',
		)
		.option('--json', 'print JSON')
		.action(async (_flags: unknown, cmd: Command) => {
			if (session.config(cmd).encryptionKey === '') {
				throw new ValidationError(
					'set WEBHOOK_GATEWAY_ENCRYPTION_KEY (at least 32 characters) to the key to encrypt with; list the old key in WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS while changing keys',
				);
			}
			const result = await session.management(cmd).resealSecrets();
			session.print(
				cmd,
				result,
				(r) =>
					`${r.resealed} endpoint(s) re-encrypted, ${r.unchanged} already encrypted with the current key`,
			);
		});
	return secrets;
}
