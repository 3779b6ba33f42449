/** An email as shown to someone who proved who they are but may not be its owner: `j***@example.com`. */
export function maskEmailForDisplay(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
