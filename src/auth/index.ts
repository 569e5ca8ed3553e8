/**
 * Public API of the auth module (PRODUCT.md §4): verification of incoming webhook requests,
 * validation of auth settings and IP allow-lists, secret rotation and generation, and the
 * per-preset defaults other layers need (credential headers to strip, default dedupe source).
 * Other folders import from here only.
 */
export type { AuthFailureReason, AuthRequest, AuthResult } from './request';
export { verifyRequest } from './verify';
export { credentialHeaders, defaultDedupe, DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS } from './presets';
export { validateAuth } from './validate';
export { validateIpAllowlist } from './ipAllowlist';
export { activeSecrets, generateSecret, rotateSecrets } from './secrets';
export { signRequest, type SignOptions } from './sign';
export { signedHandshake, unsignedHandshake, type HandshakeAnswer } from './handshakes';
