/** Quoting a user's text back to a terminal or a panel (kept free of imports: the client bundles it too). */

/** printable makes text quoted from a user's file safe to print: control characters and undecodable bytes become `?`. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
}
