// Placeholder: the reports work builds this page.
export function ReportsPage() {
  return null;
}
