// Gateways that only give a full name: the first word is the first name, the rest the last name.
// Meta hashes fn and ln separately (protocols.md §1.4), so a split beats sending nothing.

export function splitFullName(fullName: string | undefined): { firstName?: string; lastName?: string } {
  const words = (fullName ?? '').trim().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return {};
  const [first, ...rest] = words;
  return rest.length > 0 ? { firstName: first, lastName: rest.join(' ') } : { firstName: first };
}
