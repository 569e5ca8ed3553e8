/**
 * Encryption of endpoint secrets at rest (docs/security.md, "Redis reader"): AES-256-GCM from
 * node:crypto with a key derived from WEBHOOK_GATEWAY_ENCRYPTION_KEY. Each sealed value names the
 * key it was sealed with (a key id), so a gateway given the previous keys as well reads records
 * of both while `webhook-gateway secrets re-encrypt` moves them to the new key. The endpoint id is
 * authenticated with each value: a sealed secret copied to another endpoint does not open.
 *
 * Sealed value: `wgw-enc:v1:<key id>:<iv>:<ciphertext>:<tag>` (base64url parts). Values without
 * the prefix are plaintext from before encryption was switched on; they are read as they are.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { GatewayConfig } from '../config';
import type { EndpointRecord } from '../types';

const PREFIX = 'wgw-enc:v1:';
const IV_BYTES = 12;
/** Shortest key material accepted (characters). */
export const MIN_ENCRYPTION_KEY_LENGTH = 32;

interface Key {
	id: string;
	key: Buffer;
}

/** The AES key and key id of one key text (HKDF-SHA256, so any text of 32+ characters serves). */
function deriveKey(material: string): Key {
	const key = Buffer.from(
		hkdfSync(
			'sha256',
			Buffer.from(material, 'utf8'),
			Buffer.alloc(0),
			'webhook-gateway endpoint secrets v1',
			32,
		),
	);
	const id = createHash('sha256')
		.update('webhook-gateway key id\n')
		.update(key)
		.digest('base64url')
		.slice(0, 8);
	return { id, key };
}

export class SecretBoxError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretBoxError';
	}
}

/** Seals and opens secret strings with the current key; opens with previous keys too. */
export class SecretBox {
	private readonly current: Key;
	private readonly keys = new Map<string, Buffer>();

	/**
	 * @param currentKey the key text new values are sealed with (>= 32 characters)
	 * @param previousKeys key texts still accepted for opening (during a key change)
	 */
	constructor(currentKey: string, previousKeys: readonly string[] = []) {
		for (const material of [currentKey, ...previousKeys]) {
			if (material.length < MIN_ENCRYPTION_KEY_LENGTH)
				throw new SecretBoxError(
					`an encryption key must have at least ${MIN_ENCRYPTION_KEY_LENGTH} characters`,
				);
		}
		this.current = deriveKey(currentKey);
		for (const k of [this.current, ...previousKeys.map(deriveKey)]) this.keys.set(k.id, k.key);
	}

	/** Id of the key new values are sealed with. */
	get keyId(): string {
		return this.current.id;
	}

	/** Whether `value` is sealed (with any key). */
	static isSealed(value: string): boolean {
		return value.startsWith(PREFIX);
	}

	/** Key id a sealed value names, or undefined for plaintext. */
	static keyIdOf(value: string): string | undefined {
		return SecretBox.isSealed(value) ? value.slice(PREFIX.length).split(':')[0] : undefined;
	}

	/** Seals `plaintext`, bound to `context` (the endpoint id). */
	seal(plaintext: string, context: string): string {
		const iv = randomBytes(IV_BYTES);
		const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
		cipher.setAAD(Buffer.from(context, 'utf8'));
		const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
		return `${PREFIX}${this.current.id}:${iv.toString('base64url')}:${ciphertext.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}`;
	}

	/**
	 * The plaintext of a sealed value (plaintext values are returned as they are).
	 * @throws SecretBoxError for an unknown key id or a value that does not authenticate
	 */
	open(value: string, context: string): string {
		if (!SecretBox.isSealed(value)) return value;
		const [keyId, iv, ciphertext, tag] = value.slice(PREFIX.length).split(':');
		const key = this.keys.get(keyId);
		if (!key)
			throw new SecretBoxError(
				`a secret of endpoint '${context}' is sealed with key ${keyId}, which this process does not have (set WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS during a key change)`,
			);
		try {
			const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
			decipher.setAAD(Buffer.from(context, 'utf8'));
			decipher.setAuthTag(Buffer.from(tag, 'base64url'));
			return Buffer.concat([
				decipher.update(Buffer.from(ciphertext, 'base64url')),
				decipher.final(),
			]).toString('utf8');
		} catch {
			throw new SecretBoxError(
				`a secret of endpoint '${context}' does not decrypt: it was altered or copied from another endpoint`,
			);
		}
	}
}

/**
 * Seals and opens the secret fields of endpoint records: every secret value and the handshake's
 * verify token. Without a box, records pass unchanged (plaintext, as before encryption existed).
 */
export class EndpointSecretCodec {
	constructor(private readonly box: SecretBox | undefined) {}

	private map(record: EndpointRecord, f: (value: string) => string): EndpointRecord {
		const handshake =
			record.handshake.verifyToken === undefined
				? record.handshake
				: { ...record.handshake, verifyToken: f(record.handshake.verifyToken) };
		return {
			...record,
			secrets: record.secrets.map((s) => ({ ...s, value: f(s.value) })),
			handshake,
		};
	}

	/** The record as stored: secrets sealed (already sealed ones are kept). */
	seal(record: EndpointRecord): EndpointRecord {
		const box = this.box;
		if (!box) return record;
		return this.map(record, (v) => (SecretBox.isSealed(v) ? v : box.seal(v, record.id)));
	}

	/** The record as used: secrets in plaintext. @throws SecretBoxError when a value cannot be opened */
	open(record: EndpointRecord): EndpointRecord {
		const box = this.box;
		if (!box) {
			if (this.hasSealed(record))
				throw new SecretBoxError(
					`endpoint '${record.id}' has encrypted secrets: set WEBHOOK_GATEWAY_ENCRYPTION_KEY`,
				);
			return record;
		}
		return this.map(record, (v) => box.open(v, record.id));
	}

	/** Whether a stored record still needs sealing with the current key (plaintext or an older key). */
	needsReseal(stored: EndpointRecord): boolean {
		if (!this.box) return false;
		const id = this.box.keyId;
		const values = [
			...stored.secrets.map((s) => s.value),
			...(stored.handshake.verifyToken === undefined ? [] : [stored.handshake.verifyToken]),
		];
		return values.some((v) => SecretBox.keyIdOf(v) !== id);
	}

	private hasSealed(record: EndpointRecord): boolean {
		return (
			record.secrets.some((s) => SecretBox.isSealed(s.value)) ||
			(record.handshake.verifyToken !== undefined &&
				SecretBox.isSealed(record.handshake.verifyToken))
		);
	}
}

/** The codec for a gateway configuration: sealing when an encryption key is set, else plaintext. */
export function secretCodecOf(
	config: Pick<GatewayConfig, 'encryptionKey' | 'previousEncryptionKeys'>,
): EndpointSecretCodec {
	return new EndpointSecretCodec(
		config.encryptionKey === ''
			? undefined
			: new SecretBox(config.encryptionKey, config.previousEncryptionKeys),
	);
}
