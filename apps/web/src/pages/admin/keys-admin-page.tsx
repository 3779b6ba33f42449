// Placeholder: the AAO administration work builds this page.
export function KeysAdminPage() {
  return null;
}
