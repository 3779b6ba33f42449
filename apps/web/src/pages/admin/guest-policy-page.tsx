// Placeholder: the AAO alumni work builds this page.
export function GuestPolicyPage() {
  return null;
}
