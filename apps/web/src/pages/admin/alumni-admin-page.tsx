// Placeholder: the AAO alumni work builds this page.
export function AlumniAdminPage() {
  return null;
}
