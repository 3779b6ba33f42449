// Placeholder: the AAO administration work builds this page.
export function GatesAdminPage() {
  return null;
}
