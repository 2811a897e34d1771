// Personal data in operator views: what is shown, what is masked and how (docs/privacy-lgpd.md).
export { maskHeaders, maskIp, maskPii, MAX_DEPTH, MAX_MEMBERS, MAX_NODES, REDACTED, type MaskOptions } from './mask-pii.ts';
export { scrubText } from './pii-shapes.ts';
