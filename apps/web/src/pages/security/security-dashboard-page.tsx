// Placeholder: the security dashboard work builds this page.
export function SecurityDashboardPage() {
  return null;
}
