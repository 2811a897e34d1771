// Identity normalization: one function per customer-information field, shared by the matcher
// (which compares normalized values) and the Meta payload (which hashes them with sha256Hex).
export { normalizeEmail } from './normalize-email.ts';
export { normalizePhone } from './normalize-phone.ts';
export { normalizeName } from './normalize-name.ts';
export { normalizeCity } from './normalize-city.ts';
export { normalizeState } from './normalize-state.ts';
export { normalizeZip } from './normalize-zip.ts';
export { normalizeCountry } from './normalize-country.ts';
export { normalizeExternalId } from './normalize-external-id.ts';
export { sha256Hex, isSha256Hex } from './sha256-hex.ts';
