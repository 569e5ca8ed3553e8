/**
 * Imported first by the files of this folder: they run the core end-to-end files of test/e2e in
 * n8n 1.x (the 1.123 line) instead of 2.x. harness/n8n.ts reads the version when it loads.
 */
export const N8N_1_VERSION = '1.123.81';
process.env.E2E_N8N_VERSION = N8N_1_VERSION;
