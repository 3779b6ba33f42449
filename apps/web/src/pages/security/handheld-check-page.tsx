// Placeholder: the security dashboard work builds this page.
export function HandheldCheckPage() {
  return null;
}
