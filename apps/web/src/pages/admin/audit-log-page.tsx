// Placeholder: the AAO administration work builds this page.
export function AuditLogPage() {
  return null;
}
