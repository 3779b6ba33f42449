// Placeholder: the AAO administration work builds this page.
export function StaffAdminPage() {
  return null;
}
