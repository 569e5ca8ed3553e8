/**
 * Public API of the auth module: verification of incoming webhook requests, the provider
 * catalog, validation of auth settings and IP allow-lists, secret rotation and generation,
 * provider handshakes, and the per-preset defaults other layers need (credential headers to
 * strip, default dedupe source). Other folders import from here only.
 */
export type { AuthFailureReason, AuthRequest, AuthResult } from './request';
export { verifyRequest } from './verify';
export {
	PRESET_CATALOG,
	PRESET_IDS,
	PRESETS,
	presetInfo,
	type PresetInfo,
	type PresetScheme,
} from './catalog';
export {
	credentialHeaders,
	defaultDedupe,
	isTimestampPreset,
	DEFAULT_TOLERANCE_SECONDS,
	MAX_TOLERANCE_SECONDS,
} from './presets';
export { validateAuth } from './validate';
export { ipAllowed, validateIpAllowlist } from './ipAllowlist';
export {
	activeSecrets,
	expireSecrets,
	generateSecret,
	rotateSecrets,
	withHandshakeSecret,
} from './secrets';
export { signRequest, type SignOptions } from './sign';
export {
	hookSecretHandshake,
	signedHandshake,
	unsignedHandshake,
	type HandshakeAnswer,
	type HookSecretHandshake,
} from './handshakes';
